// Entry point: mount the app and start loading the bundled tokenizer (offline, from public/).
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { startDatasetTokens } from "./services/datasetTokens";
import { startPersistence } from "./services/persistence";
import { usePlayground } from "./store/playgroundStore";
import { startRunsStorage } from "./services/runsStorage";
import { App } from "./ui/App";
import "./ui/app.css";

// Before the first render: the autosave and a share link in the address decide what is shown.
startPersistence();
// Runs and adapters come from the browser's database (IndexedDB) a moment later.
void startRunsStorage();
// A dataset too big to view whole is tokenized in the dataset worker as it changes.
startDatasetTokens();
const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element to mount the playground in.");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void usePlayground.getState().loadBundledTokenizer();
