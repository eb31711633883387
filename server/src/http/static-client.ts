// Serves the built dashboard (client/dist). Unknown non-API paths get index.html so deep links work.
import { existsSync } from "node:fs";
import path from "node:path";
import express, { Router } from "express";

export function staticClientRouter(distDir: string): Router {
  const router = Router();
  const index = path.join(distDir, "index.html");
  if (!existsSync(index)) {
    router.get("/", (_req, res) => {
      res
        .status(503)
        .type("text/plain")
        .send("The Water Monitor dashboard has not been built yet. Run `npm run build:client` (npm start does this).");
    });
    return router;
  }
  router.use(express.static(distDir, { index: "index.html", maxAge: "1h", dotfiles: "deny" }));
  router.get(/^\/(?!api\/|socket\.io\/|write|ping).*/, (_req, res) => res.sendFile(index));
  return router;
}
