/** Scrolls a section of the page into view. Buttons call this rather than #anchors: the address hash carries share links. */
export function scrollToSection(id: string): void {
  document.getElementById(id)?.scrollIntoView({ behavior: "smooth" });
}
