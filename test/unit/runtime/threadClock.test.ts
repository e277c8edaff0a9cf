import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { RunQueueClock, threadCpuMs } from '../../../src/core/runtime/threadClock';

const schedstat = '/proc/thread-self/schedstat';

describe('threadClock', () => {
  it('threadCpuMs counts this thread busy', () => {
    const before = threadCpuMs();
    const until = performance.now() + 30;
    while (performance.now() < until); // 30 ms busy: several of the kernel's accounting ticks
    assert.ok(threadCpuMs() > before, 'CPU time moved forward while busy');
  });

  it("RunQueueClock reads the thread's run-queue delay from schedstat, in ms, never going back", function () {
    if (!existsSync(schedstat)) this.skip(); // not Linux: the figure is left out (see the next test)
    const clock = new RunQueueClock();
    const first = clock.waitedMs();
    const direct = Number(readFileSync(schedstat, 'latin1').split(' ')[1]) / 1e6;
    const second = clock.waitedMs();
    assert.ok(first !== undefined && second !== undefined);
    // The file's second field (ns) read in between bounds the two readings through the open descriptor.
    assert.ok(first <= direct && direct <= second, `${first} <= ${direct} <= ${second}`);
    clock.close();
    assert.equal(clock.waitedMs(), undefined, 'closed: no figure');
  });

  it('RunQueueClock gives no figure where there is no schedstat file', function () {
    if (existsSync(schedstat)) this.skip();
    assert.equal(new RunQueueClock().waitedMs(), undefined);
  });
});
