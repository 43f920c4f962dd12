/**
 * VPC peering operations: CreateVpcPeeringConnection, AcceptVpcPeeringConnection,
 * RejectVpcPeeringConnection, DeleteVpcPeeringConnection, DescribeVpcPeeringConnections,
 * ModifyVpcPeeringConnectionOptions.
 *
 * Reference: EC2 API reference for each action; the DescribeVpcPeeringConnections filters as
 * documented there (accepter-vpc-info.*, requester-vpc-info.*, expiration-time, status-code,
 * status-message, tag:*, tag-key, tag-value, vpc-peering-connection-id).
 *
 * Fidelity notes: see domain/peering.ts. A connection is seen from both accounts and both regions,
 * each side (account and region) with its own tags. The `*.cidr-block` filters match any IPv4 block of the side
 * (CidrBlockSet), as far as the side's blocks are shown.
 */
import type {
  AcceptVpcPeeringConnectionRequest,
  AcceptVpcPeeringConnectionResult,
  CreateVpcPeeringConnectionRequest,
  CreateVpcPeeringConnectionResult,
  DeleteVpcPeeringConnectionRequest,
  DeleteVpcPeeringConnectionResult,
  DescribeVpcPeeringConnectionsRequest,
  DescribeVpcPeeringConnectionsResult,
  ModifyVpcPeeringConnectionOptionsRequest,
  ModifyVpcPeeringConnectionOptionsResult,
  RejectVpcPeeringConnectionRequest,
  RejectVpcPeeringConnectionResult,
  VpcPeeringConnection as VpcPeeringConnectionView,
  VpcPeeringConnectionVpcInfo,
} from "@aws-sdk/client-ec2";
import type { PeeringSide, VpcPeeringConnection } from "../domain/types.js";
import type { Handler } from "./context.js";
import { tagList } from "./context.js";
import {
  acceptPeering,
  createPeering,
  deletePeering,
  isAccepted,
  modifyPeeringOptions,
  peeringTagKey,
  rejectPeering,
  visiblePeerings,
} from "../domain/peering.js";
import { applyFilters, paginate, selectByIds, type FilterSpec } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import { peeringNotFound, peeringMalformed } from "../domain/errors.js";

function sideView(side: PeeringSide, shown: boolean): VpcPeeringConnectionVpcInfo {
  return {
    CidrBlock: shown ? side.cidrBlocks[0] : undefined,
    CidrBlockSet: shown && side.cidrBlocks.length > 0 ? side.cidrBlocks.map((CidrBlock) => ({ CidrBlock })) : undefined,
    Ipv6CidrBlockSet: shown && side.ipv6CidrBlocks ? side.ipv6CidrBlocks.map((Ipv6CidrBlock) => ({ Ipv6CidrBlock })) : undefined,
    OwnerId: side.ownerId,
    PeeringOptions: shown
      ? {
          AllowDnsResolutionFromRemoteVpc: side.allowDnsResolutionFromRemoteVpc,
          AllowEgressFromLocalClassicLinkToRemoteVpc: false,
          AllowEgressFromLocalVpcToRemoteClassicLink: false,
        }
      : undefined,
    VpcId: side.vpcId,
    Region: side.region,
  };
}

/** The connection as `account` sees it in `region` (each side's copy has its own tags). */
export function peeringView(pcx: VpcPeeringConnection, account: string, region: string): VpcPeeringConnectionView {
  const pending = pcx.status.code === "initiating-request" || pcx.status.code === "pending-acceptance";
  return {
    AccepterVpcInfo: sideView(pcx.accepter, isAccepted(pcx)),
    ExpirationTime: pending && pcx.expirationTime !== undefined ? new Date(pcx.expirationTime) : undefined,
    RequesterVpcInfo: sideView(pcx.requester, true),
    Status: { Code: pcx.status.code, Message: pcx.status.message },
    Tags: tagList(pcx.tags.get(peeringTagKey(account, region)) ?? new Map()),
    VpcPeeringConnectionId: pcx.id,
  };
}

/** The blocks a filter may match: only those the view shows. */
function shownBlocks(pcx: VpcPeeringConnection, side: "requester" | "accepter"): string[] {
  if (side === "accepter" && !isAccepted(pcx)) return [];
  return pcx[side].cidrBlocks;
}

const PEERING_FILTERS: FilterSpec<VpcPeeringConnection> = {
  "accepter-vpc-info.cidr-block": (p) => shownBlocks(p, "accepter"),
  "accepter-vpc-info.owner-id": (p) => p.accepter.ownerId,
  "accepter-vpc-info.vpc-id": (p) => p.accepter.vpcId,
  "expiration-time": (p) =>
    (p.status.code === "initiating-request" || p.status.code === "pending-acceptance") && p.expirationTime !== undefined
      ? new Date(p.expirationTime).toISOString()
      : undefined,
  "requester-vpc-info.cidr-block": (p) => shownBlocks(p, "requester"),
  "requester-vpc-info.owner-id": (p) => p.requester.ownerId,
  "requester-vpc-info.vpc-id": (p) => p.requester.vpcId,
  "status-code": (p) => p.status.code,
  "status-message": (p) => p.status.message,
  "vpc-peering-connection-id": (p) => p.id,
};

const createVpcPeeringConnection: Handler<CreateVpcPeeringConnectionRequest, CreateVpcPeeringConnectionResult> = (
  { world, rs, account, region },
  input,
) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "vpc-peering-connection");
  const pcx = createPeering(world, rs, {
    vpcId: input.VpcId,
    peerVpcId: input.PeerVpcId,
    peerRegion: input.PeerRegion,
    peerOwnerId: input.PeerOwnerId,
    tags,
  });
  return { VpcPeeringConnection: peeringView(pcx, account, region) };
};

const acceptVpcPeeringConnection: Handler<AcceptVpcPeeringConnectionRequest, AcceptVpcPeeringConnectionResult> = (
  { world, account, region },
  input,
) => ({ VpcPeeringConnection: peeringView(acceptPeering(world, account, region, input.VpcPeeringConnectionId), account, region) });

const rejectVpcPeeringConnection: Handler<RejectVpcPeeringConnectionRequest, RejectVpcPeeringConnectionResult> = (
  { world, account, region },
  input,
) => {
  rejectPeering(world, account, region, input.VpcPeeringConnectionId);
  return { Return: true };
};

const deleteVpcPeeringConnection: Handler<DeleteVpcPeeringConnectionRequest, DeleteVpcPeeringConnectionResult> = (
  { world, account, region },
  input,
) => {
  deletePeering(world, account, region, input.VpcPeeringConnectionId);
  return { Return: true };
};

const describeVpcPeeringConnections: Handler<DescribeVpcPeeringConnectionsRequest, DescribeVpcPeeringConnectionsResult> = (
  ctx,
  input,
) => {
  const { world, account, region } = ctx;
  // Touching the caller's regional state makes the account exist (see domain/peering.ts), as any
  // other Describe call does: a peer may then address requests to it.
  void ctx.rs;
  const visible = visiblePeerings(world, account, region);
  const selected = selectByIds(visible, input.VpcPeeringConnectionIds, peeringNotFound, { prefix: "pcx", error: peeringMalformed });
  const filtered = applyFilters(selected, input.Filters, PEERING_FILTERS, (p) => p.tags.get(peeringTagKey(account, region)));
  const page = paginate(filtered, input);
  return { VpcPeeringConnections: page.items.map((p) => peeringView(p, account, region)), NextToken: page.nextToken };
};

const modifyVpcPeeringConnectionOptions: Handler<ModifyVpcPeeringConnectionOptionsRequest, ModifyVpcPeeringConnectionOptionsResult> = (
  { world, account, region },
  input,
) => {
  const pcx = modifyPeeringOptions(
    world,
    account,
    region,
    input.VpcPeeringConnectionId,
    input.RequesterPeeringConnectionOptions,
    input.AccepterPeeringConnectionOptions,
  );
  const echo = (side: PeeringSide) => ({
    AllowDnsResolutionFromRemoteVpc: side.allowDnsResolutionFromRemoteVpc,
    AllowEgressFromLocalClassicLinkToRemoteVpc: false,
    AllowEgressFromLocalVpcToRemoteClassicLink: false,
  });
  // AWS answers with the options of the side(s) the request set.
  return {
    RequesterPeeringConnectionOptions: input.RequesterPeeringConnectionOptions ? echo(pcx.requester) : undefined,
    AccepterPeeringConnectionOptions: input.AccepterPeeringConnectionOptions ? echo(pcx.accepter) : undefined,
  };
};

export const peeringOperations = {
  CreateVpcPeeringConnection: createVpcPeeringConnection,
  AcceptVpcPeeringConnection: acceptVpcPeeringConnection,
  RejectVpcPeeringConnection: rejectVpcPeeringConnection,
  DeleteVpcPeeringConnection: deleteVpcPeeringConnection,
  DescribeVpcPeeringConnections: describeVpcPeeringConnections,
  ModifyVpcPeeringConnectionOptions: modifyVpcPeeringConnectionOptions,
};
