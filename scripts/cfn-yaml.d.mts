import type { Tags } from 'yaml';

/** A parsed CloudFormation template: plain data, intrinsic functions in their long form. */
// biome-ignore lint/suspicious/noExplicitAny: a template is free-form data its readers navigate freely
export type CloudFormationTemplate = Record<string, any>;

/** Custom tags for the `yaml` package that turn CloudFormation short forms into their long forms. */
export declare const cloudFormationTags: Tags;

/** Parses a CloudFormation / SAM template written in YAML; throws on any YAML error or unknown tag. */
export declare const parseCloudFormationYaml: (source: string) => CloudFormationTemplate;

/** Reads and parses a template file. */
export declare const readCloudFormationTemplate: (path: string | URL) => CloudFormationTemplate;
