// What the data features put over the whole page: the drop overlay and the shared-link dialog.
import { DropOverlay } from "./DropOverlay";
import { SharedLinkDialog } from "./SharedLinkDialog";

export function DataLayer() {
  return (
    <>
      <DropOverlay />
      <SharedLinkDialog />
    </>
  );
}
