// Compare mode: show every example under a second strategy or trainer preset, labels that differ ringed.
import { isTrainerName, TRAINERS } from "../../core/trainers";
import type { StrategyName } from "../../core/types";
import { usePlayground } from "../../store/playgroundStore";
import { sideTitle, STRATEGY_INFO } from "../strategy/strategies";
import { Options } from "../common/Options";

export function CompareToolbar() {
  const compare = usePlayground((s) => s.compare);
  const setCompare = usePlayground((s) => s.setCompare);
  const strategy = usePlayground((s) => s.masking.strategy);
  const trainer = usePlayground((s) => s.trainer.name);
  // A strategy's option value is its bare name (as before trainers were added); a trainer's is "trainer:NAME".
  const value = compare.trainer === null ? compare.strategy : `trainer:${compare.trainer}`;
  const same = compare.trainer === trainer && (trainer !== null || compare.strategy === strategy);
  const choose = (v: string) => {
    const name = v.replace(/^trainer:/, "");
    if (v.startsWith("trainer:") && isTrainerName(name)) setCompare({ trainer: name, enabled: true });
    else setCompare({ strategy: v as StrategyName, trainer: null, enabled: true });
  };
  return (
    <div className="compare-toolbar">
      <label className="check inline">
        <input
          type="checkbox"
          data-testid="compare-toggle"
          checked={compare.enabled}
          onChange={(e) => setCompare({ enabled: e.target.checked })}
        />
        Compare <strong>{sideTitle({ strategy, trainer })}</strong> with
      </label>
      <select data-testid="compare-strategy" aria-label="Strategy to compare with" value={value} onChange={(e) => choose(e.target.value)}>
        <optgroup label="Masking strategy">
          <Options items={STRATEGY_INFO} value={(s) => s.name} label={(s) => s.title} />
        </optgroup>
        <optgroup label="As trained by">
          <Options items={TRAINERS} value={(t) => `trainer:${t.name}`} label={(t) => t.label} />
        </optgroup>
      </select>
      {compare.enabled && same ? (
        <span className="hint">
          Both sides show the same {trainer === null ? "strategy" : "trainer (with the same options)"}: pick another to see differences.
        </span>
      ) : null}
    </div>
  );
}
