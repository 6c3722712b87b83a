// The loss curve of the current run and of the runs selected in the runs table, drawn with uPlot, each
// with its eval loss (dotted, a point per evaluation) and the loss its export logged on another trainer
// (a dropped trainer_state.json) dashed beside it; below, the current run's learning rate and gradient
// norm as small charts of their own (as Unsloth Studio and TensorBoard show a Trainer's run).
// Each chart listens to the store outside React and redraws at most once per animation frame, so a
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
  /** Draw each point: evaluations are a few steps apart, and a lone one would draw no line. */
  marks?: boolean;
  points: Array<[number, number]>;
}

function curvesOf(runs: RunRecord[]): Curve[] {
  return runs.flatMap((r, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const own: Curve = { label: r.label, colour, width: i === 0 ? 2 : 1.5, points: r.steps.map((m) => [m.step, m.loss]) };
    const evaluated = evalPoints(r);
    // Dotted with points, in the run's colour: the held-out examples' loss.
    const evalCurve: Curve[] = evaluated.length
      ? [{ label: `${r.label} · eval`, colour, width: 1.5, dash: [2, 3], marks: true, points: evaluated }]
      : [];
    // Dashed, in the run's colour: the same run, trained elsewhere.
    const log = r.trainerLog;
    const elsewhere: Curve[] = log ? [{ label: `${r.label} · ${log.source}`, colour, width: 1.5, dash: [6, 4], points: log.points }] : [];
    return [own, ...evalCurve, ...elsewhere];
  });
}

/** [step, eval loss] of the steps the run evaluated after. */
function evalPoints(r: RunRecord): Array<[number, number]> {
  return r.steps.flatMap((m) => (m.evalLoss === undefined ? [] : [[m.step, m.evalLoss] as [number, number]]));
}

/** The current run's learning rate and gradient norm, each its own small chart. */
const metricCurves = (pick: (m: RunRecord["steps"][number]) => number, label: string) => (runs: RunRecord[]) =>
  runs.slice(0, 1).map((r): Curve => ({ label, colour: COLOURS[0], width: 1.5, points: r.steps.map((m) => [m.step, pick(m)]) }));

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

interface ChartOptions {
  yLabel: string;
  height: number;
  log: boolean;
  curvesOf: (runs: RunRecord[]) => Curve[];
  /** A small chart: its caption names it, so no axis labels or legend; ticks in exponent form (lr 3e-3 reads "0" otherwise). */
  small?: boolean;
}

/** 0.003 → "3e-3", 12.5 → "12.5": ticks of a learning rate or a norm, short enough for a small chart. */
function shortTick(v: number): string {
  if (v === 0 || (Math.abs(v) >= 0.01 && Math.abs(v) < 1e4)) return String(Number(v.toPrecision(3)));
  return v.toExponential(1).replace(/\.0e/, "e").replace("e+", "e");
}

function makeChart(el: HTMLElement, curves: Curve[], { yLabel, height, log, small }: ChartOptions): uPlot {
  const axes: uPlot.Axis[] = small
    ? [{}, { size: 48, values: (_u, ticks) => ticks.map(shortTick) }]
    : [{ label: "step" }, { label: yLabel }];
  const opts: uPlot.Options = {
    width: Math.max(MIN_CHART_WIDTH, el.clientWidth),
    height,
    scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
    axes,
    legend: small ? { show: false } : { live: false },
    series: [
      { label: "step" },
      ...curves.map((c) => ({
        label: c.label,
        stroke: c.colour,
        width: c.width,
        dash: c.dash,
        spanGaps: true,
        points: c.marks ? { show: true, size: 5, fill: c.colour } : { show: false },
      })),
    ],
  };
  return new uPlot(opts, chartData(curves), el);
}

/** A chart of the shown runs that redraws from the store; `data-*` counts let the e2e tests see what it drew. */
function useRunChart(host: React.RefObject<HTMLDivElement | null>, options: ChartOptions): void {
  const { log, yLabel, height, curvesOf: curves, small } = options;
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    let chart: uPlot | null = null;
    let seriesKey = "";
    let frame = 0;
    const draw = () => {
      frame = 0;
      const runs = shownRuns(usePlayground.getState());
      const drawn = curves(runs);
      const key = drawn.map((c) => c.label).join(",");
      const data = chartData(drawn);
      if (!chart || key !== seriesKey) {
        chart?.destroy();
        chart = makeChart(el, drawn, { log, yLabel, height, curvesOf: curves, small });
        seriesKey = key;
      } else {
        chart.setData(data);
      }
      const current = runs[0];
      el.dataset.points = String(current?.steps.length ?? 0);
      el.dataset.evalPoints = String(current ? evalPoints(current).length : 0);
      el.dataset.trainerPoints = String(current?.trainerLog?.points.length ?? 0);
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(draw);
    };
    draw();
    const unsubscribe = usePlayground.subscribe((s, prev) => {
      if (s.runs !== prev.runs || s.overlay !== prev.overlay || s.currentRunId !== prev.currentRunId) schedule();
    });
    const resize = new ResizeObserver(() => chart?.setSize({ width: Math.max(MIN_CHART_WIDTH, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      unsubscribe();
      resize.disconnect();
      cancelAnimationFrame(frame);
      chart?.destroy();
    };
  }, [host, log, yLabel, height, curves, small]);
}

const learningRateCurves = metricCurves((m) => m.learningRate, "learning rate");
const gradNormCurves = metricCurves((m) => m.gradNorm, "grad norm");

/** A small chart of one step metric of the current run. */
function MetricChart({ label, testId, curves }: { label: string; testId: string; curves: (runs: RunRecord[]) => Curve[] }) {
  const host = useRef<HTMLDivElement>(null);
  useRunChart(host, { yLabel: label, height: 120, log: false, curvesOf: curves, small: true });
  return (
    <figure className="metric-chart">
      <figcaption>{label}</figcaption>
      <div ref={host} className="chart-host" data-testid={testId} data-points="0" />
    </figure>
  );
}

export function LossChart() {
  const host = useRef<HTMLDivElement>(null);
  const [log, setLog] = useState(false);
  useRunChart(host, { yLabel: "loss", height: 240, log, curvesOf });

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
        Tick runs in the runs table to overlay their curves; a dotted curve with points is the eval loss (set an eval split to hold examples
        out); a dashed curve is the loss a run's export logged on another trainer.
      </p>
      <div className="metric-charts">
        <MetricChart label="learning rate" testId="lr-chart" curves={learningRateCurves} />
        <MetricChart label="grad norm" testId="grad-norm-chart" curves={gradNormCurves} />
      </div>
    </section>
  );
}
