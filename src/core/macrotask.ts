// A pause until the event loop's next task: what comes before it ends a task, so the page can paint
// and handle input (and a worker read its messages) before the rest runs. Awaiting a resolved promise
// does not: microtasks run in the same task.
export const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
