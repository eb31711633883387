// Lab results page (#/lab, researchers): import a laboratory's CSV or XLSX file (dry run, then apply),
// the template to fill in, the import history with undo, and the way to the sensor validation.
// Another import or undo elsewhere (socket event `labResults`) refreshes the history.
import { labHistory } from "../components/lab-history.ts";
import { labImportForm } from "../components/lab-import.ts";
import type { AppContext, Page } from "../context.ts";
import { h } from "../dom.ts";
import { LAB_TEMPLATE_URL, LabApi } from "../lab-api.ts";
import { validationHref } from "../router.ts";
import "../lab.css";

export function labPage(ctx: AppContext): Page {
  const { t } = ctx;
  const labApi = new LabApi(ctx.api);
  const history = labHistory(ctx, labApi);
  const form = labImportForm(ctx, labApi, () => void history.refresh());
  const element = h(
    "section",
    { class: "lab-page", "aria-labelledby": "lab-h" },
    h("h1", { id: "lab-h" }, t("lab.heading")),
    h("p", {}, t("lab.intro")),
    h(
      "p",
      { class: "lab-links" },
      h("a", { href: LAB_TEMPLATE_URL, download: "", "data-testid": "lab-template" }, t("lab.template")),
      " · ",
      h("a", { href: `${LAB_TEMPLATE_URL}?delimiter=semicolon`, download: "" }, t("lab.templateGerman")),
      " · ",
      h("a", { href: validationHref() }, t("lab.toValidation")),
    ),
    form.element,
    history.element,
  );
  return {
    element,
    stations: [],
    onLabResults: () => void history.refresh(),
    destroy: () => history.destroy(),
  };
}
