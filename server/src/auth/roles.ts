export { ROLES, roleAtLeast, type Role } from "../../../common/auth-types.ts";
