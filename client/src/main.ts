// Placeholder entry until the dashboard lands: shows the server's health.
const app = document.getElementById("app")!;
app.textContent = "Water Monitor";
void fetch("/api/health")
  .then((r) => r.json())
  .then((h: { status: string }) => {
    app.textContent = `Water Monitor — server ${h.status}`;
  });
