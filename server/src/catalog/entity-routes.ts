// Catalog entities with plain create / edit / delete (admin): parameters, organisations, regions,
// rivers and sources. Ids are fixed once made (data, stations and standards refer to them); a delete
// is refused while anything refers to the entity, and a parameter with data is never deleted.
//   POST   /api/v1/catalog/<list>          the entity → 201
//   PATCH  /api/v1/catalog/<list>/:id      change fields (not the id)
//   DELETE /api/v1/catalog/<list>/:id      remove it
import { Router } from "express";
import type { z } from "zod";
import {
  organisationSchema,
  parameterSchema,
  regionSchema,
  riverSchema,
  sourceSchema,
  type CatalogData,
} from "../../../common/catalog-model.ts";
import { entityKey, type CatalogEntity } from "../../../common/catalog-diff.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { requireRole } from "../auth/access.ts";
import { parseOrThrow } from "../http/validation.ts";
import type { ManagedCatalog } from "./catalog-store.ts";
import { actorOf, answer, findOr404, focus, patched, refused } from "./route-kit.ts";

type SimpleKind = "parameters" | "organisations" | "regions" | "rivers" | "sources";

interface EntitySpec {
  kind: SimpleKind;
  /** Singular, for messages and the answer's field. */
  what: string;
  schema: z.ZodType<CatalogEntity>;
  idField: "id" | "code";
  /** Who refers to the entity with this key (a delete is refused while any do). */
  users: (catalog: CatalogSnapshot, key: string) => string[];
}

const SPECS: EntitySpec[] = [
  {
    kind: "parameters",
    what: "parameter",
    schema: parameterSchema,
    idField: "code",
    users: (c, code) => [...c.sensors.filter((s) => s.parameter === code).map((s) => `sensor ${s.id}`), ...new Set(c.standardsOf(code).map((s) => `standard ${s.id}`))],
  },
  {
    kind: "organisations",
    what: "organisation",
    schema: organisationSchema,
    idField: "id",
    users: (c, id) => [...c.stations.filter((s) => s.operator === id).map((s) => `station ${s.id}`), ...c.sensors.filter((s) => s.owner === id).map((s) => `sensor ${s.id}`)],
  },
  {
    kind: "regions",
    what: "region",
    schema: regionSchema,
    idField: "id",
    users: (c, id) => [
      ...c.stations.filter((s) => s.region === id).map((s) => `station ${s.id}`),
      ...c.data.standards.filter((s) => s.scope.kind === "regions" && s.scope.ids.includes(id)).map((s) => `standard ${s.id}`),
    ],
  },
  {
    kind: "rivers",
    what: "river",
    schema: riverSchema,
    idField: "id",
    users: (c, id) => [
      ...c.stations.filter((s) => s.river === id).map((s) => `station ${s.id}`),
      ...c.data.standards.filter((s) => s.scope.kind === "rivers" && s.scope.ids.includes(id)).map((s) => `standard ${s.id}`),
    ],
  },
  {
    kind: "sources",
    what: "source",
    schema: sourceSchema,
    idField: "id",
    users: (c, id) => [...new Set(c.data.standards.filter((s) => s.source === id).map((s) => `standard ${s.id}`))],
  },
];

export function entityRouter(deps: { catalog: ManagedCatalog }): Router {
  const router = Router();
  for (const spec of SPECS) mount(router, deps.catalog, spec);
  return router;
}

function mount(router: Router, catalog: ManagedCatalog, spec: EntitySpec): void {
  const base = `/api/v1/catalog/${spec.kind}`;
  const { kind, what } = spec;
  const list = (data: Pick<CatalogData, SimpleKind>) => data[kind] as CatalogEntity[];
  const keyOf = (e: CatalogEntity) => entityKey(kind, e);
  router.use(base, requireRole("admin"));

  router.post(base, async (req, res) => {
    const entity = parseOrThrow(spec.schema, req.body);
    const key = keyOf(entity);
    const result = await catalog.change({ actor: actorOf(res), action: `${what}.create`, focus: focus(kind, key) }, (draft) => {
      if (list(draft).some((e) => keyOf(e) === key)) {
        throw refused(spec.idField, `a ${what} "${key}" exists already`);
      }
      (draft[kind] as CatalogEntity[]).push(entity);
    });
    answer(res, result, 201, { [what]: entity });
  });

  router.patch(`${base}/:id`, async (req, res) => {
    const key = req.params.id;
    findOr404(list(catalog.current().data), keyOf, key, what);
    const patch = req.body as unknown;
    const fixed = { [spec.idField]: `a ${what}'s ${spec.idField} is fixed once made (others refer to it); add a new ${what} instead` };
    let next: CatalogEntity | undefined;
    const result = await catalog.change({ actor: actorOf(res), action: `${what}.update`, focus: focus(kind, key) }, (draft) => {
      (draft as Record<SimpleKind, CatalogEntity[]>)[kind] = list(draft).map((e) => (keyOf(e) === key ? (next = patched(spec.schema, e, patch, fixed)) : e));
    });
    answer(res, result, 200, { [what]: next });
  });

  router.delete(`${base}/:id`, async (req, res) => {
    const key = req.params.id;
    findOr404(list(catalog.current().data), keyOf, key, what);
    const result = await catalog.change({ actor: actorOf(res), action: `${what}.delete`, focus: focus(kind, key) }, (draft, current) => {
      const users = spec.users(current, key);
      if (users.length > 0) {
        const shown = users.slice(0, 10).join(", ") + (users.length > 10 ? ` and ${users.length - 10} more` : "");
        throw refused("", `${what} ${key} is in use by ${shown}: change those first`);
      }
      (draft as Record<SimpleKind, CatalogEntity[]>)[kind] = list(draft).filter((e) => keyOf(e) !== key);
    });
    answer(res, result, 200, { deleted: key });
  });
}
