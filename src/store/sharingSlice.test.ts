// Copy link against a fake environment: the link (the page's address plus the encoded playground)
// goes to the clipboard; without one, or when it refuses, the link is shown with why.
import { afterEach, describe, expect, it } from "vitest";
import { decodeShareHash } from "../core/share/codec";
import { fakeEnvironment, setEnvironment } from "../services/environment";
import { usePlayground } from "./playgroundStore";

afterEach(() => {
  setEnvironment(null);
  usePlayground.getState().dismissShare();
});

describe("copy share link", () => {
  it("writes the page's address with the playground in its hash to the clipboard", async () => {
    const env = fakeEnvironment({ origin: "https://example.org", pathname: "/playground/" });
    setEnvironment(env);
    await usePlayground.getState().copyShareLink();
    const share = usePlayground.getState().share;
    expect(share.kind).toBe("copied");
    expect(env.clipboardWrites).toHaveLength(1);
    const url = env.clipboardWrites[0];
    expect(share.kind === "copied" && share.url).toBe(url);
    expect(url.startsWith("https://example.org/playground/#")).toBe(true);
    expect(decodeShareHash(url.slice(url.indexOf("#"))).ok).toBe(true);
  });

  it("shows the link with the reason when the page has no clipboard", async () => {
    const env = fakeEnvironment({ clipboard: "none" });
    setEnvironment(env);
    await usePlayground.getState().copyShareLink();
    const share = usePlayground.getState().share;
    expect(share.kind).toBe("manual");
    if (share.kind !== "manual") return;
    expect(share.url.startsWith("https://playground.test/#")).toBe(true);
    expect(share.reason).toMatch(/no clipboard \(an http:\/\/ address that is not localhost, or an old browser\)/);
    expect(env.clipboardWrites).toEqual([]);
  });

  it("shows the link with the browser's refusal when the clipboard refuses", async () => {
    setEnvironment(fakeEnvironment({ clipboard: "refuses" }));
    await usePlayground.getState().copyShareLink();
    const share = usePlayground.getState().share;
    expect(share.kind === "manual" && share.reason).toBe("the browser refused the clipboard (Write permission denied.)");
  });
});
