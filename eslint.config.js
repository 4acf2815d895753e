// ESLint for the browser scripts in static/js and the node tests in tests/js
// (`npx eslint`, run by `make test`). Recommended rules; each folder gets the globals
// of where it runs.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/", ".venv/", "instance/", "test-results/", "docs/"] },
  js.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // Nobody reads a phone's console: the capture app says what went wrong on the
      // page, and the few deliberate console lines are marked as such.
      "no-console": "error",
    },
  },
  {
    // Page scripts loaded with a plain <script src>, after Leaflet.
    files: ["static/js/*.js"],
    languageOptions: { sourceType: "script", globals: { ...globals.browser, L: "readonly" } },
  },
  {
    // The capture app: ES modules; Leaflet and idb come from <script> tags before it.
    files: ["static/js/capture/*.js"],
    ignores: ["static/js/capture/sw.js"],
    languageOptions: { sourceType: "module", globals: { ...globals.browser, L: "readonly", idb: "readonly" } },
  },
  {
    // The service worker: a classic script; engage/concerns/capture_views.py puts CAPTURE above it.
    files: ["static/js/capture/sw.js"],
    languageOptions: { sourceType: "script", globals: { ...globals.serviceworker } },
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: { sourceType: "module", globals: { ...globals.node } },
  },
];
