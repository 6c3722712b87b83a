// Compare mode: show every example under a second strategy, labels that differ ringed.
import type { StrategyName } from "../../core/types";
import { usePlayground } from "../../store/playgroundStore";
import { STRATEGIES, strategyInfo } from "../strategy/strategies";

export function CompareToolbar() {
  const compare = usePlayground((s) => s.compare);
  const setCompare = usePlayground((s) => s.setCompare);
  const strategy = usePlayground((s) => s.masking.strategy);
  return (
    <div className="compare-toolbar">
      <label className="check inline">
        <input
          type="checkbox"
          data-testid="compare-toggle"
          checked={compare.enabled}
          onChange={(e) => setCompare({ enabled: e.target.checked })}
        />
        Compare <strong>{strategyInfo(strategy).title}</strong> with
      </label>
      <select
        data-testid="compare-strategy"
        aria-label="Strategy to compare with"
        value={compare.strategy}
        onChange={(e) => setCompare({ strategy: e.target.value as StrategyName, enabled: true })}
      >
        {STRATEGIES.map((s) => (
          <option key={s.name} value={s.name}>
            {s.title}
          </option>
        ))}
      </select>
      {compare.enabled && compare.strategy === strategy ? (
        <span className="hint">Both sides use the same strategy: pick another to see differences.</span>
      ) : null}
    </div>
  );
}
