// A select's options from a list: each item's value, and its label (the value itself unless given).
import type { ReactNode } from "react";

interface Props<T> {
  items: readonly T[];
  value?: (item: T) => string;
  label?: (item: T) => ReactNode;
}

export function Options<T>({ items, value = String, label = value }: Props<T>) {
  return items.map((item) => (
    <option key={value(item)} value={value(item)}>
      {label(item)}
    </option>
  ));
}
