/**
 * Image operations: DescribeImages over the built-in catalogue (domain/images.ts).
 *
 * Reference: EC2 API DescribeImages (ImageIds, Owners, ExecutableBy, Filters, paging).
 * Fidelity notes: see domain/images.ts. `ExecutableBy` is accepted and ignored (every catalogue
 * image is public); product-code, kernel, ramdisk and state-reason filters match nothing.
 */
import type { DescribeImagesRequest, DescribeImagesResult, Image as ImageView } from "@aws-sdk/client-ec2";
import type { Handler } from "./context.js";
import { applyFilters, paginate, type FilterSpec } from "../domain/describe.js";
import { catalogue, isWellFormedImageId, matchesOwners, type CatalogueImage } from "../domain/images.js";
import { imageMalformed, imageNotFound } from "../domain/errors.js";

export function imageView(img: CatalogueImage): ImageView {
  return {
    ImageId: img.id,
    ImageLocation: `${img.ownerAlias ?? img.ownerId}/${img.name}`,
    State: "available",
    OwnerId: img.ownerId,
    CreationDate: img.creationDate,
    Public: true,
    Architecture: img.architecture,
    ImageType: "machine",
    Name: img.name,
    Description: img.description,
    ImageOwnerAlias: img.ownerAlias,
    // EC2 answers "windows" (lower case), a value the SDK's enum type spells "Windows".
    Platform: img.platform as never,
    PlatformDetails: img.platformDetails,
    UsageOperation: img.usageOperation,
    RootDeviceName: img.rootDeviceName,
    RootDeviceType: "ebs",
    BlockDeviceMappings: [
      {
        DeviceName: img.rootDeviceName,
        Ebs: { DeleteOnTermination: true, SnapshotId: img.snapshotId, VolumeSize: img.volumeSize, VolumeType: "gp3", Encrypted: false },
      },
    ],
    VirtualizationType: "hvm",
    Hypervisor: "xen",
    EnaSupport: true,
    SriovNetSupport: "simple",
    BootMode: img.bootMode as ImageView["BootMode"],
    ImdsSupport: img.imdsSupport as ImageView["ImdsSupport"],
    DeprecationTime: img.deprecationTime,
  };
}

const IMAGE_FILTERS: FilterSpec<CatalogueImage> = {
  architecture: (i) => i.architecture,
  "block-device-mapping.delete-on-termination": () => true,
  "block-device-mapping.device-name": (i) => i.rootDeviceName,
  "block-device-mapping.snapshot-id": (i) => i.snapshotId,
  "block-device-mapping.volume-size": (i) => i.volumeSize,
  "block-device-mapping.volume-type": () => "gp3",
  "block-device-mapping.encrypted": () => false,
  "creation-date": (i) => i.creationDate,
  "deprecation-time": (i) => i.deprecationTime,
  description: (i) => i.description,
  "ena-support": () => true,
  "free-tier-eligible": (i) => i.platform !== "windows",
  hypervisor: () => "xen",
  "image-allowed": () => true,
  "image-id": (i) => i.id,
  "image-type": () => "machine",
  "imds-support": (i) => i.imdsSupport,
  "is-public": () => true,
  "kernel-id": () => [],
  "manifest-location": (i) => `${i.ownerAlias ?? i.ownerId}/${i.name}`,
  name: (i) => i.name,
  "owner-alias": (i) => i.ownerAlias,
  "owner-id": (i) => i.ownerId,
  platform: (i) => i.platform,
  "platform-details": (i) => i.platformDetails,
  "product-code": () => [],
  "product-code.type": () => [],
  "ramdisk-id": () => [],
  "root-device-name": (i) => i.rootDeviceName,
  "root-device-type": () => "ebs",
  "source-image-id": () => [],
  "source-image-region": () => [],
  "source-instance-id": () => [],
  state: () => "available",
  "state-reason-code": () => [],
  "state-reason-message": () => [],
  "sriov-net-support": () => "simple",
  "usage-operation": (i) => i.usageOperation,
  "virtualization-type": () => "hvm",
};

const describeImages: Handler<DescribeImagesRequest, DescribeImagesResult> = ({ rs }, input) => {
  let list = catalogue(rs.region);
  if (input.ImageIds && input.ImageIds.length > 0) {
    for (const id of input.ImageIds) if (!isWellFormedImageId(id)) throw imageMalformed(id);
    const missing = input.ImageIds.filter((id) => !list.some((i) => i.id === id));
    if (missing.length > 0) throw imageNotFound(missing);
    list = list.filter((i) => input.ImageIds!.includes(i.id));
  }
  list = list.filter((i) => matchesOwners(i, input.Owners, rs.account));
  // The catalogue has no tags, so tag filters (enabled here) match nothing.
  const filtered = applyFilters(list, input.Filters, IMAGE_FILTERS, () => new Map());
  const page = paginate(filtered, input);
  return { Images: page.items.map(imageView), NextToken: page.nextToken };
};

export const imageOperations = {
  DescribeImages: describeImages,
};
