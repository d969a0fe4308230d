/**
 * `/v2/groups` routes (§2.3): the tree with `embed`, versions, create (201 +
 * Location), update (with `scaleBy`), delete. Group ids contain slashes, so
 * `/v2/groups/*` is parsed here (`…/versions`, `…/apps`).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GroupNode } from '../group-service.js';
import { canonicalId } from '../path-id.js';
import { parseEmbeds, type AppEmbeds } from '../views.js';
import type { AppJson } from '../app-json.js';
import { appInfo, flag, jsonBody, values, type MarathonContext } from './context.js';

interface GroupEmbeds {
  apps: boolean;
  groups: boolean;
  pods: boolean;
  app: AppEmbeds;
}

function groupEmbeds(req: FastifyRequest): GroupEmbeds {
  const list = values(req, 'embed');
  const explicit = list.some((e) => e === 'group.apps' || e === 'group.groups' || e === 'group.pods');
  return {
    apps: !explicit || list.includes('group.apps'),
    groups: !explicit || list.includes('group.groups'),
    pods: !explicit || list.includes('group.pods'),
    app: parseEmbeds(list.filter((e) => e.startsWith('group.apps.')), {}),
  };
}

function render(ctx: MarathonContext, node: GroupNode, embeds: GroupEmbeds): AppJson {
  const out: AppJson = { id: node.id, dependencies: node.dependencies, version: node.version, enforceRole: false };
  if (embeds.apps) out['apps'] = node.apps.map((a) => appInfo(ctx, a, embeds.app));
  if (embeds.groups) out['groups'] = node.groups.map((g) => render(ctx, g, embeds));
  if (embeds.pods) out['pods'] = [];
  return out;
}

/** Registers the `/v2/groups` routes. */
export function registerGroupRoutes(server: FastifyInstance, ctx: MarathonContext): void {
  const rest = (req: FastifyRequest): string => (req.params as { '*'?: string })['*'] ?? '';

  const get = async (req: FastifyRequest): Promise<unknown> => {
    const path = rest(req);
    const parts = path.split('/').filter((s) => s !== '');
    if (parts[parts.length - 1] === 'versions') {
      const node = ctx.groups.tree(parts.slice(0, -1).join('/'));
      return [node.version];
    }
    if (parts[parts.length - 2] === 'versions') return render(ctx, ctx.groups.tree(parts.slice(0, -2).join('/')), groupEmbeds(req));
    if (parts[parts.length - 1] === 'apps' && !ctx.groups.exists(canonicalId(path))) {
      const node = ctx.groups.tree(parts.slice(0, -1).join('/'));
      const embeds = parseEmbeds(values(req, 'embed'), { counts: true, deployments: true });
      return ctx.groups.appsUnder(node.id).map((a) => appInfo(ctx, a, embeds));
    }
    return render(ctx, ctx.groups.tree(path), groupEmbeds(req));
  };
  server.get('/v2/groups', get);
  server.get('/v2/groups/*', get);

  const post = async (req: FastifyRequest, reply: import('fastify').FastifyReply): Promise<unknown> => {
    const result = ctx.groups.change(rest(req), jsonBody(req), { create: true, force: flag(req, 'force') });
    const location = `${req.protocol}://${req.headers.host ?? ctx.info.leader}/v2/groups${result.id}`;
    return reply
      .code(201)
      .header('Location', location)
      .header('Marathon-Deployment-Id', result.deploymentId)
      .send({ deploymentId: result.deploymentId, version: result.version });
  };
  server.post('/v2/groups', post);
  server.post('/v2/groups/*', post);

  const put = async (req: FastifyRequest, reply: import('fastify').FastifyReply): Promise<unknown> => {
    const result = ctx.groups.change(rest(req), jsonBody(req), { create: false, force: flag(req, 'force') });
    return reply.header('Marathon-Deployment-Id', result.deploymentId).send({ deploymentId: result.deploymentId, version: result.version });
  };
  server.put('/v2/groups', put);
  server.put('/v2/groups/*', put);

  const del = async (req: FastifyRequest, reply: import('fastify').FastifyReply): Promise<unknown> => {
    const result = ctx.groups.remove(rest(req), flag(req, 'force'));
    return reply.header('Marathon-Deployment-Id', result.deploymentId).send(result);
  };
  server.delete('/v2/groups', del);
  server.delete('/v2/groups/*', del);
}
