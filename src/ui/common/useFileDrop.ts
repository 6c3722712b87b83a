// A drop zone for files (a tokenizer's two files, a model folder, a run's trainer_state.json): marked
// while something is dragged over it, its files handed on when dropped. preventDefault claims the
// drop, so the page-wide dataset overlay (ui/data/DropOverlay) leaves it to the zone. `takes` lets
// other drags (text over a runs table row) pass by.
import { useState, type DragEvent } from "react";

/** Whether a drag carries files (not text or a link); for React's drag events and the page's. */
export const hasFiles = (e: { dataTransfer: DataTransfer | null }) => e.dataTransfer?.types.includes("Files") ?? false;

export function useFileDrop(onFiles: (files: File[]) => void, takes: (e: DragEvent) => boolean = () => true) {
  const [dragging, setDragging] = useState(false);
  const handlers = {
    onDragOver: (e: DragEvent) => {
      if (!takes(e)) return;
      e.preventDefault();
      setDragging(true);
    },
    onDragLeave: () => setDragging(false),
    onDrop: (e: DragEvent) => {
      if (!takes(e)) return;
      e.preventDefault();
      setDragging(false);
      onFiles([...e.dataTransfer.files]);
    },
  };
  return { dragging, handlers };
}
