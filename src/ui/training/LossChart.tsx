// The loss curve of the current run and of the runs selected in the runs table, drawn with uPlot, each
// with the loss its export logged on another trainer (a dropped trainer_state.json) dashed beside it.
// The chart listens to the store outside React and redraws at most once per animation frame, so a
// training step never re-renders the page.
import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { usePlayground } from "../../store/playgroundStore";
import type { PlaygroundState } from "../../store/state";
import type { RunRecord } from "../../store/runRecord";

/** Okabe–Ito, as app.css: one colour per drawn run. */
const COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#000000", "#f0e442"];

function shownRuns(s: PlaygroundState): RunRecord[] {
  const ids = [...new Set([...(s.currentRunId ? [s.currentRunId] : []), ...s.overlay])];
  return ids.map((id) => s.runs[id]).filter((r): r is RunRecord => r !== undefined);
}

/** A drawn curve: a run's own loss, or the loss its export logged on another trainer (trainer_state.json). */
interface Curve {
  label: string;
  colour: string;
  width: number;
  dash?: number[];
  points: Array<[number, number]>;
}

function curvesOf(runs: RunRecord[]): Curve[] {
  return runs.flatMap((r, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const own: Curve = { label: r.label, colour, width: i === 0 ? 2 : 1.5, points: r.steps.map((m) => [m.step, m.loss]) };
    // Dashed, in the run's colour: the same run, trained elsewhere.
    const log = r.trainerLog;
    return log ? [own, { label: `${r.label} · ${log.source}`, colour, width: 1.5, dash: [6, 4], points: log.points }] : [own];
  });
}

/** One [steps, losses] table per curve, joined on the step axis (missing points are null). */
function chartData(curves: Curve[]): uPlot.AlignedData {
  if (curves.length === 0) return [[]];
  const tables = curves.map((c): uPlot.AlignedData => [
    c.points.map((p) => p[0]),
    c.points.map((p) => (Number.isFinite(p[1]) ? p[1] : null)),
  ]);
  return uPlot.join(tables);
}

/** Narrow enough for a 320 px phone's column; below that uPlot's axes leave no room for the curve. */
const MIN_CHART_WIDTH = 160;

function makeChart(el: HTMLElement, curves: Curve[], log: boolean): uPlot {
  const opts: uPlot.Options = {
    width: Math.max(MIN_CHART_WIDTH, el.clientWidth),
    height: 240,
    scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
    axes: [{ label: "step" }, { label: "loss" }],
    legend: { live: false },
    series: [
      { label: "step" },
      ...curves.map((c) => ({ label: c.label, stroke: c.colour, width: c.width, dash: c.dash, spanGaps: true, points: { show: false } })),
    ],
  };
  return new uPlot(opts, chartData(curves), el);
}

export function LossChart() {
  const host = useRef<HTMLDivElement>(null);
  const [log, setLog] = useState(false);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    let chart: uPlot | null = null;
    let seriesKey = "";
    let frame = 0;
    const draw = () => {
      frame = 0;
      const runs = shownRuns(usePlayground.getState());
      const curves = curvesOf(runs);
      const key = curves.map((c) => c.label).join(",");
      const data = chartData(curves);
      if (!chart || key !== seriesKey) {
        chart?.destroy();
        chart = makeChart(el, curves, log);
        seriesKey = key;
      } else {
        chart.setData(data);
      }
      const current = runs[0];
      el.dataset.points = String(current?.steps.length ?? 0);
      el.dataset.trainerPoints = String(current?.trainerLog?.points.length ?? 0);
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(draw);
    };
    draw();
    const unsubscribe = usePlayground.subscribe((s, prev) => {
      if (s.runs !== prev.runs || s.overlay !== prev.overlay || s.currentRunId !== prev.currentRunId) schedule();
    });
    const resize = new ResizeObserver(() => chart?.setSize({ width: Math.max(MIN_CHART_WIDTH, el.clientWidth), height: 240 }));
    resize.observe(el);
    return () => {
      unsubscribe();
      resize.disconnect();
      cancelAnimationFrame(frame);
      chart?.destroy();
    };
  }, [log]);

  return (
    <section className="panel loss-chart" aria-label="Loss chart">
      <div className="row">
        <h2>Loss</h2>
        <span className="spacer" />
        <label className="check">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} data-testid="loss-log" /> log scale
        </label>
      </div>
      <div ref={host} className="chart-host" data-testid="loss-chart" data-points="0" />
      <p className="hint">
        Tick runs in the runs table to overlay their curves; a dashed curve is the loss a run's export logged on another trainer.
      </p>
    </section>
  );
}
