import { startNginx } from '../nginx.js';
import { type CdnOptions, cdnConfig } from './cdn-config.js';
import { generatedCdnConfig } from './generated-cdn-config.js';
import { type OriginKind, type OriginServer, startOrigin } from './origin-server.js';
import type { Stack } from './stack.js';

export interface SimulationOptions extends Omit<CdnOptions, 'origins'> {
  /** The build every origin serves at the start. */
  initial: string;
  /** How the origins serve it. */
  origin: OriginKind;
  /** Size of the pool. @default 2 */
  originCount?: number;
  /**
   * `scenario`: the hand-written config of cdn-config.ts with this scenario's mistakes; `skewless`:
   * what `skewless cdn-config --provider nginx` prints for the initial build, over the same pool.
   * @default 'scenario'
   */
  cdn?: 'scenario' | 'skewless';
}

/** Origins behind nginx (balancer + CDN cache), all on loopback. */
export interface Simulation {
  /** nginx's address: what the browser opens. */
  url: string;
  origins: OriginServer[];
  /**
   * A rolling deploy: switch the origins to `dir` one at a time, calling `between` after each
   * switch (the user acts while the pool is mixed, then again when it is complete).
   */
  roll(dir: string, between?: (switched: number) => Promise<void>): Promise<void>;
}

/**
 * The options of a site served from the bucket alone (the shape of a Skewless deploy): nginx routes both
 * pages and assets to it, with no origin pool.
 */
export function siteFromBucket(
  bucket: { route: SimulationOptions['bucket'] },
  initial: string,
): Pick<SimulationOptions, 'initial' | 'origin' | 'originCount' | 'site' | 'assets' | 'bucket'> {
  return {
    initial,
    origin: { kind: 'naive' },
    originCount: 0,
    site: 'bucket',
    assets: 'bucket',
    bucket: bucket.route,
  };
}

/** Start the origin pool and nginx in front of it; the stack stops them. */
export async function startSimulation(stack: Stack, options: SimulationOptions): Promise<Simulation> {
  const origins: OriginServer[] = [];
  for (let i = 0; i < (options.originCount ?? 2); i++) {
    const name = String.fromCharCode(65 + i);
    origins.push(stack.use(await startOrigin(name, options.initial, options.origin), (o) => o.close()));
  }
  const ports = origins.map((o) => o.port);
  const config =
    options.cdn === 'skewless'
      ? await generatedCdnConfig({ origins: ports, buildDir: options.initial })
      : cdnConfig({ ...options, origins: ports });
  const nginx = stack.use(await startNginx({ config }), (n) => n.stop());
  return {
    url: nginx.url,
    origins,
    async roll(dir, between) {
      for (let i = 0; i < origins.length; i++) {
        await origins[i]!.deploy(dir);
        await between?.(i + 1);
      }
    },
  };
}
