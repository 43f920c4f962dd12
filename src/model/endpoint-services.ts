/**
 * The AWS services a VPC endpoint can reach, per region: reference data, the same for every account.
 *
 * Source: VPC PrivateLink Guide, "AWS services that integrate with AWS PrivateLink" (service names
 * `com.amazonaws.<region>.<service>`, their private DNS names) and "Gateway endpoints" (S3 and DynamoDB
 * also offer gateway endpoints). Only a common subset of the ~150 services is listed; every region of
 * model/regions.ts offers all of them in all of its zones.
 *
 * Fidelity notes: service ids (`vpce-svc-…`) and the Route 53 hosted zone ids of the endpoint DNS names
 * are vpclab's own stable hashes, not AWS's values. DynamoDB's interface endpoints (2024) are listed
 * without private DNS, as AWS offers them; S3's interface endpoints list AWS's `*.s3.<region>.amazonaws.com`
 * private DNS name.
 */

export interface EndpointServiceSpec {
  /** The part after `com.amazonaws.<region>.`. */
  service: string;
  types: ("Gateway" | "Interface")[];
  /** The private DNS name an interface endpoint can take over, if the service has one (`<region>` substituted). */
  privateDns?: string;
}

export const ENDPOINT_SERVICES: readonly EndpointServiceSpec[] = [
  { service: "s3", types: ["Gateway", "Interface"], privateDns: "*.s3.<region>.amazonaws.com" },
  { service: "dynamodb", types: ["Gateway", "Interface"] },
  { service: "ec2", types: ["Interface"], privateDns: "ec2.<region>.amazonaws.com" },
  { service: "ec2messages", types: ["Interface"], privateDns: "ec2messages.<region>.amazonaws.com" },
  { service: "ssm", types: ["Interface"], privateDns: "ssm.<region>.amazonaws.com" },
  { service: "ssmmessages", types: ["Interface"], privateDns: "ssmmessages.<region>.amazonaws.com" },
  { service: "sts", types: ["Interface"], privateDns: "sts.<region>.amazonaws.com" },
  { service: "logs", types: ["Interface"], privateDns: "logs.<region>.amazonaws.com" },
  { service: "monitoring", types: ["Interface"], privateDns: "monitoring.<region>.amazonaws.com" },
  { service: "events", types: ["Interface"], privateDns: "events.<region>.amazonaws.com" },
  { service: "kms", types: ["Interface"], privateDns: "kms.<region>.amazonaws.com" },
  { service: "secretsmanager", types: ["Interface"], privateDns: "secretsmanager.<region>.amazonaws.com" },
  { service: "ecr.api", types: ["Interface"], privateDns: "api.ecr.<region>.amazonaws.com" },
  { service: "ecr.dkr", types: ["Interface"], privateDns: "*.dkr.ecr.<region>.amazonaws.com" },
  { service: "ecs", types: ["Interface"], privateDns: "ecs.<region>.amazonaws.com" },
  { service: "ecs-agent", types: ["Interface"], privateDns: "ecs-a.<region>.amazonaws.com" },
  { service: "ecs-telemetry", types: ["Interface"], privateDns: "ecs-t.<region>.amazonaws.com" },
  { service: "sqs", types: ["Interface"], privateDns: "sqs.<region>.amazonaws.com" },
  { service: "sns", types: ["Interface"], privateDns: "sns.<region>.amazonaws.com" },
  { service: "lambda", types: ["Interface"], privateDns: "lambda.<region>.amazonaws.com" },
  { service: "execute-api", types: ["Interface"], privateDns: "*.execute-api.<region>.amazonaws.com" },
  { service: "states", types: ["Interface"], privateDns: "states.<region>.amazonaws.com" },
  { service: "kinesis-streams", types: ["Interface"], privateDns: "kinesis.<region>.amazonaws.com" },
  { service: "elasticloadbalancing", types: ["Interface"], privateDns: "elasticloadbalancing.<region>.amazonaws.com" },
  { service: "autoscaling", types: ["Interface"], privateDns: "autoscaling.<region>.amazonaws.com" },
  { service: "rds", types: ["Interface"], privateDns: "rds.<region>.amazonaws.com" },
  { service: "athena", types: ["Interface"], privateDns: "athena.<region>.amazonaws.com" },
  { service: "glue", types: ["Interface"], privateDns: "glue.<region>.amazonaws.com" },
];
