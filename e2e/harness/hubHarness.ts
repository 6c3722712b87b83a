// Exposes the hub downloader to e2e tests that call it without the UI.
import { downloadHubModel } from "../../src/core/hub/download";
import { browserEnvironment } from "../../src/services/environment";

// The page's Cache API wrapper, under the names the specs call (a localhost page always has caches).
const cache = browserEnvironment().hubCache!;
const hub = { downloadHubModel, openBrowserHubCache: () => cache.open(), estimateBrowserStorage: () => cache.estimate() };
declare global {
  interface Window {
    hub: typeof hub;
  }
}
window.hub = hub;
document.body.dataset.ready = "true";
