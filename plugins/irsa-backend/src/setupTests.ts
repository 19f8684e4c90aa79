// Tests against the sandbox talk to real servers, and the first load of the ESM-only
// @kubernetes/client-node under Jest alone takes seconds on a busy 2-core machine: Jest's
// default 5 s budget fails them for the machine's load, not for what they test.
jest.setTimeout(30_000);

export {};
