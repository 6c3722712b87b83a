// The page: header, a settings sidebar (strategy first: it is what the page is about; then
// formatting, tokenizer, data & sharing), the examples with their token views, the training monitor
// beside them (controls, chart, answers), then the model, settings and runs. On a narrow screen the
// examples and their masks come first and the sidebar follows them: in the DOM, not only on screen,
// so that tabbing and reading follow what is seen.
import { usePlayground } from "../store/playgroundStore";
import { useNarrowLayout } from "./common/useNarrowLayout";
import { DataPanel } from "./data/DataPanel";
import { DatasetStatus } from "./data/DatasetStatus";
import { DropOverlay } from "./data/DropOverlay";
import { SharedLinkDialog } from "./data/SharedLinkDialog";
import { ExampleList } from "./examples/ExampleList";
import { HoldoutEditor } from "./examples/HoldoutEditor";
import { FormattingPanel } from "./formatting/FormattingPanel";
import { Header } from "./header/Header";
import { StrategyPanel } from "./strategy/StrategyPanel";
import { TokenizerPanel } from "./tokenizer/TokenizerPanel";
import { MonitorJump, TrainingMonitor } from "./training/TrainingMonitor";
import { TrainingSection } from "./training/TrainingSection";
import { CompareToolbar } from "./tokens/CompareToolbar";
import { Legend } from "./tokens/Legend";
import { PackedRows } from "./tokens/PackedRows";

export function App() {
  const compare = usePlayground((s) => s.compare.enabled);
  const narrow = useNarrowLayout();
  const sidebar = (
    <aside className="sidebar" aria-label="Settings">
      <StrategyPanel />
      <FormattingPanel />
      <TokenizerPanel />
      <DataPanel />
    </aside>
  );
  return (
    <>
      <Header />
      <div className="layout" data-layout={narrow ? "narrow" : "wide"}>
        {narrow ? null : sidebar}
        <main id="mask-view" className="main" data-testid="mask-view">
          <DatasetStatus />
          <div className="view-toolbar">
            <Legend compare={compare} />
            <CompareToolbar />
          </div>
          <ExampleList />
          <PackedRows />
          <HoldoutEditor />
        </main>
        {narrow ? sidebar : null}
        <TrainingMonitor />
      </div>
      <MonitorJump />
      <TrainingSection />
      {/* Over the whole page: a dataset dragged onto it, and the question a share link asks. */}
      <DropOverlay />
      <SharedLinkDialog />
    </>
  );
}
