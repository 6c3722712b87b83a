// Exposes the hub downloader to e2e tests that call it without the UI.
import { downloadHubModel } from "../../src/core/hub/download";
import { browserEnvironment } from "../../src/services/environment";

// The page's Cache API wrapper, under the names the specs call (a localhost page always has caches).
const env = browserEnvironment();
const hub = { downloadHubModel, openBrowserHubCache: () => env.hubCache!.open(), estimateBrowserStorage: env.estimateStorage };
declare global {
  interface Window {
    hub: typeof hub;
  }
}
window.hub = hub;
document.body.dataset.ready = "true";
