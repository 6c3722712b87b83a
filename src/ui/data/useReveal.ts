// Scrolls a message into view when it appears: a drop or a pasted link may happen with the page
// scrolled far below the place where the preview or the error is shown.
import { useEffect, useRef } from "react";

export function useReveal<T extends HTMLElement>(key: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: "nearest" });
  }, [key]);
  return ref;
}
