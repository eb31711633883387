// Serves the built dashboard (client/dist). Unknown non-API paths get index.html so deep links work.
// The same route is registered whether or not the dashboard is built (route-list.ts lists it).
import { existsSync } from "node:fs";
import path from "node:path";
import express, { Router } from "express";

export function staticClientRouter(distDir: string): Router {
  const router = Router();
  const index = path.join(distDir, "index.html");
  const built = existsSync(index);
  if (built) router.use(express.static(distDir, { index: "index.html", maxAge: "1h", dotfiles: "deny" }));
  router.get(/^\/(?!api\/|socket\.io\/|write|ping).*/, (_req, res) => {
    if (built) return res.sendFile(index);
    res
      .status(503)
      .type("text/plain")
      .send("The Water Monitor dashboard has not been built yet. Run `npm run build:client` (npm start does this).");
  });
  return router;
}
