// The engine's vocabulary lives in common/ so the dashboard can read the results it gives.
export type * from "../../../common/assessment.ts";
