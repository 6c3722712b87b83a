// Saving text as a file the browser downloads (exported playgrounds, unreadable autosaves).
export function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.click();
  // The click starts the download synchronously; the URL can go once this task ends.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
