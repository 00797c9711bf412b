import { TestScheduler } from 'rxjs/testing';

type RunHelpers = Parameters<Parameters<TestScheduler['run']>[0]>[0];

/** Runs a marble test (one frame per character) whose frames are compared with `toEqual`. */
export function marbles(test: (helpers: RunHelpers) => void): void {
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(test);
}
