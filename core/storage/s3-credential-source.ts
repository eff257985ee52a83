/** Temporary credentials from an STS web identity exchange (EKS IRSA, GKE or Azure workload identity). */
export interface WebIdentitySource {
  readonly kind: 'webIdentity';
  /** AWS_ROLE_ARN: the role to assume. */
  readonly roleArn: string;
  /** AWS_WEB_IDENTITY_TOKEN_FILE: the projected service-account token, re-read at every refresh. */
  readonly tokenFile: string;
  /** AWS_ROLE_SESSION_NAME; a name with the current time when absent. */
  readonly sessionName?: string;
  /** Base URL of STS, e.g. `https://sts.eu-west-1.amazonaws.com`. */
  readonly stsEndpoint: string;
}

/** Temporary credentials of the instance's role from the EC2 instance metadata service (IMDSv2). */
export interface InstanceMetadataSource {
  readonly kind: 'instanceMetadata';
  /** Base URL of the metadata service, `http://169.254.169.254` unless overridden. */
  readonly endpoint: string;
}

/** Where temporary S3 credentials come from when no static keys are configured. */
export type S3CredentialSource = WebIdentitySource | InstanceMetadataSource;

/** The metadata service's link-local address on EC2 (and on EKS nodes). */
export const DEFAULT_INSTANCE_METADATA_ENDPOINT = 'http://169.254.169.254';

/** The regional STS endpoint for `region`, or the global one when no region is known. */
export function defaultStsEndpoint(region: string | undefined): string {
  if (region === undefined) return 'https://sts.amazonaws.com';
  return `https://sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

