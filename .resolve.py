# Resolves "keep both" conflicts: HEAD's side, then ours (the commit being applied), in that order.
import re,sys
for p in sys.argv[1:]:
    s=open(p).read()
    pat=re.compile(r'<<<<<<< [^\n]*\n(.*?)=======\n(.*?)>>>>>>> [^\n]*\n', re.S)
    s=pat.sub(lambda m: m.group(1)+m.group(2), s)
    open(p,'w').write(s)
