import type { Decision } from '../rule/compliance.js';
import type { InstanceView } from '../rule/instance-view.js';

/**
 * The key of `unresolvedTags` that stands for every tag: the file gives the whole tag list (or map) as a value
 * known only at deploy. No tag key is empty, so it is no real key.
 */
export const ALL_TAGS = '';

/** Where a file declares what it would launch: the place a finding points to. */
export interface SourceLocation {
  readonly file: string;
  /** 1-based line of the resource (its logical id, or its Terraform address in the plan). */
  readonly line: number;
  /** The logical id (CloudFormation) or the resource address (Terraform). */
  readonly id: string;
  /** What the file declares: `AWS::EC2::LaunchTemplate`, `aws_autoscaling_group`, ... */
  readonly resourceType: string;
  /** The CDK construct path (`aws:cdk:path`), for a template of a cloud assembly. */
  readonly constructPath?: string;
}

/**
 * One thing a file would launch instances from, read into the rule's own InstanceView. What the file cannot
 * say before deploy is kept beside the view, so the output names it.
 */
export interface ScannedResource {
  readonly location: SourceLocation;
  readonly view: InstanceView;
  /** Tag key → what the file says instead of a value (`Ref Environment`): known only at deploy. */
  readonly unresolvedTags: ReadonlyMap<string, string>;
  /** What a reviewer should know: values known only at deploy, a launch template outside the file, ... */
  readonly notes: readonly string[];
}

/** A scanned resource with the rule's decision, and the notes that explain it. */
export interface ScanFinding {
  readonly location: SourceLocation;
  readonly decision: Decision;
  readonly notes: readonly string[];
}
