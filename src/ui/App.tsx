// The page: header, a settings sidebar (strategy first: it is what the page is about; then
// formatting, tokenizer, data & sharing), the examples with their token views, the training monitor
// beside them (controls, chart, answers), then the model, settings and runs.
import { usePlayground } from "../store/playgroundStore";
import { DataLayer } from "./data/DataLayer";
import { DataPanel } from "./data/DataPanel";
import { DatasetStatus } from "./data/DatasetStatus";
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

export function App() {
  const compare = usePlayground((s) => s.compare.enabled);
  return (
    <>
      <Header />
      <div className="layout">
        <aside className="sidebar" aria-label="Settings">
          <StrategyPanel />
          <FormattingPanel />
          <TokenizerPanel />
          <DataPanel />
        </aside>
        <main id="mask-view" className="main" data-testid="mask-view">
          <DatasetStatus />
          <div className="view-toolbar">
            <Legend compare={compare} />
            <CompareToolbar />
          </div>
          <ExampleList />
          <HoldoutEditor />
        </main>
        <TrainingMonitor />
      </div>
      <MonitorJump />
      <TrainingSection />
      <DataLayer />
    </>
  );
}
