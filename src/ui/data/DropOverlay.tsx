// Dropping a dataset anywhere on the page. The overlay lets events through (pointer-events: none),
// so drop zones of their own (the tokenizer's) keep working: they call preventDefault first, and
// the page then leaves the drop to them.
import { useEffect, useState } from "react";
import { readDatasetFiles } from "../../services/datasetReading";
import { hasFiles } from "../common/useFileDrop";

export function DropOverlay() {
  const [over, setOver] = useState(false);

  useEffect(() => {
    // dragenter/dragleave fire for every child crossed; a counter tells when the page is left.
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth += 1;
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const overPage = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      // Handled by a drop zone below: show that one, not the page-wide overlay.
      const claimed = e.defaultPrevented;
      e.preventDefault(); // without this the browser opens the file instead of dropping it
      if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
      setOver(!claimed);
    };
    const drop = (e: DragEvent) => {
      depth = 0;
      setOver(false);
      if (!hasFiles(e)) return;
      const claimed = e.defaultPrevented;
      e.preventDefault();
      if (claimed) return;
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length > 0) readDatasetFiles(files);
    };
    const listening = new AbortController();
    const { signal } = listening;
    window.addEventListener("dragenter", enter, { signal });
    window.addEventListener("dragleave", leave, { signal });
    window.addEventListener("dragover", overPage, { signal });
    window.addEventListener("drop", drop, { signal });
    return () => listening.abort();
  }, []);

  if (!over) return null;
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
      <div className="drop-card">
        <strong>Drop a dataset to preview it</strong>
        <span>JSONL, JSON array, CSV, TSV or Parquet. Nothing is replaced until you confirm.</span>
      </div>
    </div>
  );
}
