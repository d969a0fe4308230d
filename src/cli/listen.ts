/**
 * Binding a daemon's HTTP server with Mesos-like failure messages.
 */
import type { FastifyInstance } from 'fastify';

/**
 * Creates the app with `create`, binds it to `ip:port`, then calls `onBound`
 * (before any request is served: routes read state `onBound` builds).
 * Throws `Failed to bind to <ip>:<port>: Address already in use` and the like.
 */
export async function listen(
  create: () => FastifyInstance,
  ip: string,
  port: number,
  onBound: (app: FastifyInstance) => void,
): Promise<FastifyInstance> {
  const app = create();
  app.server.once('listening', () => onBound(app));
  try {
    await app.listen({ host: ip, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EADDRINUSE'
        ? 'Address already in use'
        : code === 'EADDRNOTAVAIL'
          ? 'Cannot assign requested address'
          : code === 'EACCES'
            ? 'Permission denied'
            : (error as Error).message;
    await app.close().catch(() => undefined);
    throw new Error(`Failed to bind to ${ip}:${port}: ${reason}`);
  }
  return app;
}
