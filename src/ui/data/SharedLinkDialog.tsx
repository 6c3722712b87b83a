// A share link opened over a playground with the user's own edits: ask before replacing it.
import { useEffect, useRef } from "react";
import { usePlayground } from "../../store/playgroundStore";

export function SharedLinkDialog() {
  const shared = usePlayground((s) => s.pendingShared);
  const current = usePlayground((s) => s.examples.length);
  const resolve = usePlayground((s) => s.resolvePendingShared);
  const keepButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!shared) return;
    keepButton.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") resolve(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [shared, resolve]);

  if (!shared) return null;
  return (
    <div className="modal-backdrop">
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shared-title"
        aria-describedby="shared-desc"
        data-testid="shared-dialog"
      >
        <h2 id="shared-title">Open the shared playground?</h2>
        <p id="shared-desc">
          The link holds a playground with {shared.examples.length} examples and the <code>{shared.masking.strategy}</code> strategy. Yours
          has {current} examples and edits of your own. Replacing it keeps an Undo; keeping yours offers the shared one as a file.
        </p>
        <div className="next-steps">
          <button type="button" data-testid="shared-replace" onClick={() => resolve(true)}>
            Replace with shared playground
          </button>
          <button type="button" className="secondary" data-testid="shared-keep" ref={keepButton} onClick={() => resolve(false)}>
            Keep mine
          </button>
        </div>
      </div>
    </div>
  );
}
