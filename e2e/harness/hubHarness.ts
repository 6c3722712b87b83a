// Exposes the hub downloader to e2e tests that call it without the UI.
import { estimateBrowserStorage, openBrowserHubCache } from "../../src/core/hub/browserHubCache";
import { downloadHubModel } from "../../src/core/hub/download";

const hub = { downloadHubModel, openBrowserHubCache, estimateBrowserStorage };
declare global {
  interface Window {
    hub: typeof hub;
  }
}
window.hub = hub;
document.body.dataset.ready = "true";
