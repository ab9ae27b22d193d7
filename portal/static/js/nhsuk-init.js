// Starts the NHS.UK frontend components (header menu, skip link, ...).
import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

initAll();
