// The client's test starts a real Backstage backend with the IRSA plugin, which alone takes
// several seconds on a busy 2-core machine: more than Jest's default 5 s budget.
jest.setTimeout(30_000);

export {};
