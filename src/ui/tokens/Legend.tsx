// What the chip styles mean. Colours are Okabe-Ito (colour-blind safe) and every meaning also has a
// non-colour cue: hatching, outline, dashed border with a star, ring.
export function Legend({ compare }: { compare: boolean }) {
  return (
    <div className="legend" data-testid="legend" aria-label="Legend">
      <span>
        <span className="chip trained">trained</span> label = token id: the loss learns it
      </span>
      <span>
        <span className="chip masked">masked</span> label = -100: ignored by the loss
      </span>
      <span>
        <span className="chip masked special">&lt;|sp|&gt;</span> special token
      </span>
      <span>
        <span className="chip masked special added">new</span> added at runtime (new embedding)
      </span>
      {compare ? (
        <span>
          <span className="chip trained diff">diff</span> label differs between the two sides
        </span>
      ) : null}
      <span className="muted">Whitespace: ↵ newline, · space, ⇥ tab. Hover a token for position, id and label.</span>
    </div>
  );
}
