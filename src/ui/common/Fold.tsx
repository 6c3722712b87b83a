// Long explanations fold to one line on a narrow screen, so that a phone reaches the controls (and the
// examples) without scrolling past paragraphs; "more" unfolds one. Wide screens show them whole.
import { useId, useState, type ReactNode } from "react";
import { useNarrowLayout } from "./useNarrowLayout";

interface Fold {
  /** Spread on the element holding the text: its id and, while folded, the one-line class. */
  textProps: { id: string; "data-folded"?: "true" };
  /** The "more" / "less" toggle, or null where nothing folds. */
  toggle: ReactNode;
}

export function useFold(what: string): Fold {
  const narrow = useNarrowLayout();
  const [open, setOpen] = useState(false);
  const id = useId();
  if (!narrow) return { textProps: { id }, toggle: null };
  const folded = !open;
  return {
    textProps: folded ? { id, "data-folded": "true" } : { id },
    toggle: (
      <button
        type="button"
        className="link-button fold-toggle"
        aria-expanded={open}
        aria-controls={id}
        aria-label={`${open ? "Less" : "More"} about ${what}`}
        onClick={() => setOpen(!open)}
      >
        {open ? "less" : "more"}
      </button>
    ),
  };
}
