/**
 * AWS's public SSM parameters that name the latest AMIs (`/aws/service/ami-amazon-linux-latest/…`,
 * `/aws/service/canonical/ubuntu/…`, `/aws/service/debian/…`, `/aws/service/ami-windows-latest/…`),
 * answered from vpclab's image catalogue of the caller's region, and `resolve:ssm:<name>` image ids.
 *
 * Reference: "Query for the latest Amazon Linux AMI IDs using AWS Systems Manager Parameter Store"
 * (AWS Compute blog / EC2 User Guide), Canonical's and Debian's published parameter paths; SSM API
 * GetParameter / GetParameters; EC2 RunInstances "resolve:ssm:" image ids.
 *
 * Fidelity notes:
 * - Only the parameter names listed in PUBLIC_PARAMETERS exist; each points at the catalogue image of
 *   that family (images.ts), so ids differ per region as on AWS. No user parameters (PutParameter) and
 *   no GetParametersByPath.
 * - Version is always 1 and LastModifiedDate is the image's creation date.
 */
import { catalogue, type CatalogueImage } from "./images.js";
import { invalidParameterValue } from "./errors.js";

/** Parameter name → the catalogue image (by name prefix) it names. */
const PUBLIC_PARAMETERS: Record<string, string> = {
  "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64": "al2023-ami-2023.",
  "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64": "al2023-ami-2023.",
  "/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-x86_64": "al2023-ami-2023.",
  "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64": "al2023-ami-2023.arm64",
  "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64": "al2023-ami-2023.arm64",
  "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2": "amzn2-ami-kernel-5.10-hvm-",
  "/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-x86_64-gp2": "amzn2-ami-kernel-5.10-hvm-",
  "/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id": "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64",
  "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id": "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64",
  "/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id": "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64",
  "/aws/service/debian/release/12/latest/amd64": "debian-12-amd64",
  "/aws/service/debian/release/bookworm/latest/amd64": "debian-12-amd64",
  "/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base": "Windows_Server-2022-English-Full-Base",
};

function imageFor(region: string, prefix: string): CatalogueImage | undefined {
  // "al2023-ami-2023.arm64" selects the arm64 build of the al2023 family.
  const arm = prefix.endsWith(".arm64");
  const p = arm ? prefix.slice(0, -".arm64".length) : prefix;
  return catalogue(region).find((i) => i.name.startsWith(p) && (i.architecture === "arm64") === (arm || p.includes("arm64")));
}

export interface PublicParameter {
  name: string;
  value: string;
  lastModified: number;
  arn: string;
}

export function publicParameter(region: string, name: string): PublicParameter | undefined {
  const prefix = PUBLIC_PARAMETERS[name];
  if (prefix === undefined) return undefined;
  const img = imageFor(region, prefix);
  if (!img) return undefined;
  return { name, value: img.id, lastModified: Date.parse(img.creationDate), arn: `arn:aws:ssm:${region}::parameter${name}` };
}

/** RunInstances' `resolve:ssm:<parameter>` image ids. */
export function resolveImageId(region: string, imageId: string | undefined): string | undefined {
  if (imageId === undefined || !imageId.startsWith("resolve:ssm:")) return imageId;
  const name = imageId.slice("resolve:ssm:".length).replace(/:\d+$/, "");
  const p = publicParameter(region, name);
  if (!p) throw invalidParameterValue(`Invalid value '${imageId}' for parameter ImageId: the SSM parameter does not exist or is not accessible.`);
  return p.value;
}
