/**
 * The wire model: a compact, JSON-serialisable digest of the AWS SDK's runtime schemas, made at build
 * time by `generate.ts` and read at run time by `wire-model.ts`. It holds exactly what the Query
 * protocol codec needs: for each operation its input and output shapes, and for each shape its members
 * with their query names (`ec2QueryName`, else capitalised `xmlName`, else the member name) and XML names.
 *
 * Why a digest and not the SDK itself: loading `@aws-sdk/client-ec2`'s schema module costs about a
 * second, which would blow the cold-start budget (DESIGN.md rule 1).
 */

/** A reference to a shape: one of the scalar kinds, or the name of a structure or list in `shapes`. */
export type ShapeRef = "string" | "number" | "boolean" | "timestamp" | "blob" | "document" | string;

export const SCALARS: ReadonlySet<string> = new Set(["string", "number", "boolean", "timestamp", "blob", "document"]);

export interface MemberDef {
  /** The member's name in the SDK's typed input/output objects (`CidrBlock`). */
  name: string;
  /** The key it has in an EC2 Query request (`CidrBlock`, `Filter`, `VpcId`). */
  query: string;
  /** The element name it has in an XML response (`cidrBlock`, `vpcSet`). */
  xml: string;
  shape: ShapeRef;
}

export interface StructDef {
  kind: "struct";
  members: MemberDef[];
  /** How many of the leading members are required (smithy's schema carries it that way). */
  required: number;
}

export interface ListDef {
  kind: "list";
  item: ShapeRef;
  /** The element name of each item in XML (`item` for EC2, `member` for STS). */
  itemXml: string;
}

export interface MapDef {
  kind: "map";
  value: ShapeRef;
}

export type ShapeDef = StructDef | ListDef | MapDef;

export interface OperationDef {
  /** Input structure name, or null for none. */
  input: string | null;
  /** Output structure name, or null when the SDK models no output ("unit"). */
  output: string | null;
}

export interface ServiceModel {
  /** The XML namespace of responses. */
  xmlns: string;
  operations: Record<string, OperationDef>;
  shapes: Record<string, ShapeDef>;
}

export interface WireModel {
  sdkVersion: string;
  services: { ec2: ServiceModel; sts: ServiceModel };
}
