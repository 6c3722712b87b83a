// A button that opens the browser's file chooser (a hidden input). The chosen files go to onFiles and
// the input is cleared, so that choosing the same file again is a change too.
import { useRef, type ButtonHTMLAttributes } from "react";

interface Props extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, "type" | "onClick"> {
  accept: string;
  multiple?: boolean;
  /** The hidden input's data-testid: the e2e tests set files on it. */
  inputTestId: string;
  onFiles: (files: File[]) => void;
}

export function FilePicker({ accept, multiple, inputTestId, onFiles, ...button }: Props) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" {...button} onClick={() => input.current?.click()} />
      <input
        ref={input}
        type="file"
        accept={accept}
        multiple={multiple}
        hidden
        data-testid={inputTestId}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = "";
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}
