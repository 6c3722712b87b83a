/** Tells a place that shows an action's error how the action ended: null when it succeeded, its message when it failed. */
export function settle(action: Promise<unknown>, onError: (message: string | null) => void): void {
  void action.then(
    () => onError(null),
    (e: Error) => onError(e.message),
  );
}
