/**
 * A curated list of IAM privilege-escalation paths: actions (alone or in
 * combination) that let a principal grant itself more than it was given.
 * Sources: Rhino Security Labs' "AWS IAM privilege escalation" methods and the
 * AWS IAM documentation of each action.
 */

/**
 * One privilege-escalation path.
 *
 * @public
 */
export interface PrivilegeEscalationPath {
  /** Every action needed, lower case `service:action`. */
  actions: string[];
  /** The path only counts when these actions are granted on Resource `*`. */
  requireAnyResource?: string[];
  /** What an attacker does with it. */
  description: string;
}

/**
 * Escalation through a single action.
 *
 * @public
 */
export const SINGLE_ACTION_ESCALATIONS: readonly PrivilegeEscalationPath[] = [
  {
    actions: ['iam:createpolicyversion'],
    description:
      'write a new default version of a managed policy with any permissions',
  },
  {
    actions: ['iam:setdefaultpolicyversion'],
    description: 'switch a managed policy to a more permissive version',
  },
  {
    actions: ['iam:attachrolepolicy'],
    description:
      'attach any managed policy (e.g. AdministratorAccess) to a role',
  },
  {
    actions: ['iam:attachuserpolicy'],
    description: 'attach any managed policy to a user',
  },
  {
    actions: ['iam:attachgrouppolicy'],
    description: 'attach any managed policy to a group',
  },
  {
    actions: ['iam:putrolepolicy'],
    description: 'write an inline policy with any permissions on a role',
  },
  {
    actions: ['iam:putuserpolicy'],
    description: 'write an inline policy with any permissions on a user',
  },
  {
    actions: ['iam:putgrouppolicy'],
    description: 'write an inline policy with any permissions on a group',
  },
  {
    actions: ['iam:updateassumerolepolicy'],
    description: "rewrite a role's trust policy to assume it",
  },
  {
    actions: ['iam:createaccesskey'],
    description: 'create access keys for another user',
  },
  {
    actions: ['iam:createloginprofile'],
    description: 'set a console password for another user',
  },
  {
    actions: ['iam:updateloginprofile'],
    description: "change another user's console password",
  },
  {
    actions: ['iam:addusertogroup'],
    description: 'join a more privileged group',
  },
  {
    actions: ['iam:putrolepermissionsboundary'],
    description: "replace a role's permissions boundary",
  },
  {
    actions: ['iam:deleterolepermissionsboundary'],
    description: "remove a role's permissions boundary",
  },
  {
    actions: ['iam:putuserpermissionsboundary'],
    description: "replace a user's permissions boundary",
  },
  {
    actions: ['iam:deleteuserpermissionsboundary'],
    description: "remove a user's permissions boundary",
  },
  {
    actions: ['iam:passrole'],
    requireAnyResource: ['iam:passrole'],
    description: 'hand any role in the account to a service',
  },
  {
    actions: ['sts:assumerole'],
    requireAnyResource: ['sts:assumerole'],
    description: 'assume any role that trusts the account',
  },
  {
    actions: ['lambda:updatefunctioncode'],
    description: 'run code as the role of an existing Lambda function',
  },
  {
    actions: ['glue:updatedevendpoint'],
    description: 'run code as the role of an existing Glue dev endpoint',
  },
];

/**
 * Escalation through `iam:PassRole` combined with a service that runs code as
 * the passed role.
 *
 * @internal
 */
export const COMBINED_ESCALATIONS: readonly PrivilegeEscalationPath[] = [
  {
    actions: ['iam:passrole', 'ec2:runinstances'],
    description:
      'start an EC2 instance with a more privileged instance profile',
  },
  {
    actions: ['iam:passrole', 'lambda:createfunction', 'lambda:invokefunction'],
    description:
      'create and invoke a Lambda function running as a more privileged role',
  },
  {
    actions: [
      'iam:passrole',
      'lambda:createfunction',
      'lambda:createeventsourcemapping',
    ],
    description:
      'create a Lambda function running as a more privileged role and trigger it from an event source',
  },
  {
    actions: ['iam:passrole', 'glue:createdevendpoint'],
    description: 'create a Glue dev endpoint running as a more privileged role',
  },
  {
    actions: ['iam:passrole', 'cloudformation:createstack'],
    description:
      'create a CloudFormation stack that acts as a more privileged role',
  },
  {
    actions: [
      'iam:passrole',
      'datapipeline:createpipeline',
      'datapipeline:putpipelinedefinition',
    ],
    description: 'run a Data Pipeline as a more privileged role',
  },
  {
    actions: ['iam:passrole', 'ecs:registertaskdefinition', 'ecs:runtask'],
    description: 'run an ECS task as a more privileged role',
  },
  {
    actions: [
      'iam:passrole',
      'codebuild:createproject',
      'codebuild:startbuild',
    ],
    description: 'run a CodeBuild project as a more privileged role',
  },
  {
    actions: [
      'iam:passrole',
      'sagemaker:createnotebookinstance',
      'sagemaker:createpresignednotebookinstanceurl',
    ],
    description: 'open a SageMaker notebook running as a more privileged role',
  },
];
