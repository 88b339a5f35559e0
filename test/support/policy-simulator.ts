import { isWildcardOnlyAction, runSimulation } from '@cloud-copilot/iam-simulate';
import type { Statement, Template } from './cfn-template.js';

/**
 * What IAM decides for a request, by an IAM policy evaluator (@cloud-copilot/iam-simulate) over the concrete
 * policies of a template: the account, region and partition below stand in for the deployment's.
 */

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const PARTITION = 'aws';

/** 'Allowed', 'ImplicitlyDenied' or 'ExplicitlyDenied'. */
export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

const PSEUDO: Readonly<Record<string, string>> = {
  'AWS::AccountId': ACCOUNT,
  'AWS::Region': REGION,
  'AWS::Partition': PARTITION,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'rule-stack',
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The ARN a resource of the template gets (its logical id as its name), for Fn::GetAtt `Arn`. */
const arnOf = (resources: Template, id: string): string => {
  const resource = resources[id] ?? {};
  const name = String(concretize(resource.Properties?.LogGroupName ?? id, resources));
  switch (resource.Type) {
    case 'AWS::Logs::LogGroup':
      return `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`;
    case 'AWS::SQS::Queue':
      return `arn:${PARTITION}:sqs:${REGION}:${ACCOUNT}:${id}`;
    case 'AWS::IAM::Role':
      return `arn:${PARTITION}:iam::${ACCOUNT}:role/${(resource.Properties?.RoleName as string | undefined) ?? id}`;
    default:
      throw new Error(`No ARN known for ${id} (${resource.Type})`);
  }
};

const substitute = (text: string, variables: Record<string, unknown>, resources: Template): string =>
  text.replace(/\$\{([^}!]+)\}/g, (whole, name: string) => {
    if (name in PSEUDO) return PSEUDO[name] as string;
    if (name in variables) return String(variables[name]);
    const [id, attribute] = name.split('.');
    if (attribute === 'Arn' && id !== undefined && id in resources) return arnOf(resources, id);
    return whole;
  });

/**
 * A policy with every intrinsic left (parameters already resolved by `resolveTemplate`) made concrete:
 * pseudo parameters, Fn::GetAtt Arn of the template's resources, Fn::Join, Fn::Sub.
 */
export const concretize = (node: unknown, resources: Template): unknown => {
  if (typeof node === 'string') return substitute(node, {}, resources);
  if (Array.isArray(node)) return node.map((item) => concretize(item, resources));
  if (!isObject(node)) return node;
  const keys = Object.keys(node);
  if (keys.length === 1) {
    const argument = node[keys[0] as string];
    switch (keys[0]) {
      case 'Ref':
        if (typeof argument === 'string' && argument in PSEUDO) return PSEUDO[argument];
        throw new Error(`Unresolved Ref ${JSON.stringify(argument)}`);
      case 'Fn::GetAtt': {
        const [id, attribute] = argument as [string, string];
        if (attribute === 'Arn') return arnOf(resources, id);
        throw new Error(`Unresolved Fn::GetAtt ${id}.${attribute}`);
      }
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown[]];
        return parts.map((part) => concretize(part, resources)).join(separator);
      }
      case 'Fn::Sub': {
        const [text, variables = {}] = Array.isArray(argument) ? argument : [argument];
        return substitute(
          String(text),
          concretize(variables, resources) as Record<string, unknown>,
          resources,
        );
      }
      default:
        break;
    }
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, concretize(value, resources)]));
};

/** A request to decide. */
export interface Request {
  readonly action: string;
  /** The resource's ARN; `*` for an action that has no resource-level permissions. */
  readonly resource?: string;
  readonly context?: Record<string, string | string[]>;
  /** Who asks: the role's ARN. */
  readonly principal?: string;
  /** The policy of the resource asked for (a role's trust policy), when it has one. */
  readonly resourcePolicy?: unknown;
}

/** The principal every identity-policy simulation runs as. */
export const ROLE_ARN = `arn:${PARTITION}:iam::${ACCOUNT}:role/rule-role`;

const accountOf = (arn: string): string => arn.split(':')[4] || ACCOUNT;

/** What IAM decides for `request` under a role's identity policy statements (and a resource policy). */
export const decide = async (
  statements: readonly Statement[],
  request: Request,
  resourcePolicy: unknown = request.resourcePolicy,
): Promise<Decision> => {
  const resource = request.resource ?? '*';
  const [service = '', action = ''] = request.action.split(':');
  if (resource === '*' && !(await isWildcardOnlyAction(service, action))) {
    throw new Error(`${request.action} has resource-level permissions: name the resource it needs`);
  }
  const result = await runSimulation(
    {
      identityPolicies: [{ name: 'inline', policy: { Version: '2012-10-17', Statement: statements } }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy === undefined ? {} : { resourcePolicy }),
      request: {
        principal: request.principal ?? ROLE_ARN,
        action: request.action,
        resource: { resource, accountId: resource === '*' ? ACCOUNT : accountOf(resource) },
        contextVariables: request.context ?? {},
      },
    },
    { simulationMode: 'Strict' },
  );
  if (result.resultType === 'error') {
    throw new Error(`Simulation of ${request.action} failed: ${JSON.stringify(result.errors)}`);
  }
  return result.overallResult as Decision;
};
