/**
 * The V8 CPU profiler (node:inspector) around `loops` runs of `pass`, for the bench's profiling scripts: writes the
 * .cpuprofile to `out` (open it in Chrome DevTools) and gives the self time of the `top` functions.
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** A promise-returning `session.post` of a connected inspector session. */
export function inspectorPost(session: Session) {
  return <T>(method: string, params?: object) => new Promise<T>((ok, no) => session.post(method, params ?? {}, (e, r) => (e ? no(e) : ok(r as T))));
}

/** Profiles `loops` runs of `pass`: the process CPU ms per run while profiled, and the `top` functions by self time as lines to print. */
export async function profilePasses(pass: () => void, loops: number, out: string, top: number): Promise<{ cpuMsPerPass: number; topLines: string[] }> {
  const session = new Session();
  session.connect();
  const post = inspectorPost(session);
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 50 });
  await post('Profiler.start');
  const c0 = process.cpuUsage();
  for (let i = 0; i < loops; i++) pass();
  const c = process.cpuUsage(c0);
  const { profile } = await post<{ profile: Profile }>('Profiler.stop');
  writeFileSync(out, JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const topLines = [...self].sort((x, y) => y[1] - x[1]).slice(0, top).map(([k, t]) => `${((100 * t) / total).toFixed(1).padStart(5)} %  ${k}`);
  return { cpuMsPerPass: (c.user + c.system) / 1000 / loops, topLines };
}
