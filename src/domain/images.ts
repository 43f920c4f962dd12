/**
 * The built-in AMI catalogue: a handful of common public images per region, enough for DescribeImages
 * look-ups (Terraform's `aws_ami` data source, `aws ec2 describe-images --filters name=…`) and for
 * RunInstances to know an image's architecture and platform.
 *
 * Reference: EC2 API DescribeImages (filters, `Owners`), "Find an AMI" in the EC2 User Guide; the owner
 * accounts are the publishers' real ones (Amazon 137112412989, Canonical 099720109477, Debian
 * 136693071363, Amazon Windows 801119661308).
 *
 * Fidelity notes:
 * - Image ids are made up, but stable: each region's id for an image is derived from a hash of the
 *   region and the image name, so the same name has a different id in each region, as on AWS, and
 *   the same id in every run. Names, dates and build numbers are plausible, not current.
 * - RunInstances accepts ANY well-formed `ami-` id (8 or 17 hex digits), not only the catalogue's:
 *   walkthroughs and scripts carry real AMI ids copied from the console, and vpclab does not boot
 *   images anyway. An id outside the catalogue launches as an x86_64 Linux/UNIX image. Only a
 *   malformed id is refused (`InvalidAMIID.Malformed`). DescribeImages, on the other hand, only knows
 *   the catalogue and answers `InvalidAMIID.NotFound` for any other id.
 * - There are no private images: `Owners=self` finds nothing, and CreateImage is not built.
 */
import { createHash } from "node:crypto";
import { imageMalformed, missingParameter } from "./errors.js";

export interface CatalogueImage {
  id: string;
  region: string;
  name: string;
  description: string;
  ownerId: string;
  ownerAlias?: string;
  architecture: "x86_64" | "arm64";
  platform?: "windows";
  platformDetails: string;
  usageOperation: string;
  rootDeviceName: string;
  creationDate: string;
  deprecationTime: string;
  bootMode?: string;
  imdsSupport?: string;
  volumeSize: number;
  snapshotId: string;
}

interface Template {
  name: string;
  description: string;
  ownerId: string;
  ownerAlias?: string;
  architecture: "x86_64" | "arm64";
  platform?: "windows";
  rootDeviceName: string;
  creationDate: string;
  bootMode?: string;
  imdsSupport?: string;
  volumeSize: number;
}

const AMAZON = "137112412989";
const CANONICAL = "099720109477";
const DEBIAN = "136693071363";
const WINDOWS = "801119661308";

const TEMPLATES: Template[] = [
  {
    name: "al2023-ami-2023.6.20250115.0-kernel-6.1-x86_64",
    description: "Amazon Linux 2023 AMI 2023.6.20250115.0 x86_64 HVM kernel-6.1",
    ownerId: AMAZON, ownerAlias: "amazon", architecture: "x86_64", rootDeviceName: "/dev/xvda",
    creationDate: "2025-01-15T19:12:21.000Z", bootMode: "uefi-preferred", imdsSupport: "v2.0", volumeSize: 8,
  },
  {
    name: "al2023-ami-2023.6.20250115.0-kernel-6.1-arm64",
    description: "Amazon Linux 2023 AMI 2023.6.20250115.0 arm64 HVM kernel-6.1",
    ownerId: AMAZON, ownerAlias: "amazon", architecture: "arm64", rootDeviceName: "/dev/xvda",
    creationDate: "2025-01-15T19:12:24.000Z", bootMode: "uefi", imdsSupport: "v2.0", volumeSize: 8,
  },
  {
    name: "amzn2-ami-kernel-5.10-hvm-2.0.20250113.0-x86_64-gp2",
    description: "Amazon Linux 2 Kernel 5.10 AMI 2.0.20250113.0 x86_64 HVM gp2",
    ownerId: AMAZON, ownerAlias: "amazon", architecture: "x86_64", rootDeviceName: "/dev/xvda",
    creationDate: "2025-01-13T22:05:41.000Z", volumeSize: 8,
  },
  {
    name: "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20250112",
    description: "Canonical, Ubuntu, 22.04 LTS, amd64 jammy image build on 2025-01-12",
    ownerId: CANONICAL, architecture: "x86_64", rootDeviceName: "/dev/sda1",
    creationDate: "2025-01-12T06:31:04.000Z", volumeSize: 8,
  },
  {
    name: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250115",
    description: "Canonical, Ubuntu, 24.04, amd64 noble image",
    ownerId: CANONICAL, architecture: "x86_64", rootDeviceName: "/dev/sda1",
    creationDate: "2025-01-15T07:40:12.000Z", bootMode: "uefi-preferred", volumeSize: 8,
  },
  {
    name: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20250115",
    description: "Canonical, Ubuntu, 24.04, arm64 noble image",
    ownerId: CANONICAL, architecture: "arm64", rootDeviceName: "/dev/sda1",
    creationDate: "2025-01-15T07:40:19.000Z", bootMode: "uefi", volumeSize: 8,
  },
  {
    name: "debian-12-amd64-20250112-1993",
    description: "Debian 12 (20250112-1993)",
    ownerId: DEBIAN, architecture: "x86_64", rootDeviceName: "/dev/xvda",
    creationDate: "2025-01-12T23:51:33.000Z", bootMode: "uefi-preferred", volumeSize: 8,
  },
  {
    name: "Windows_Server-2022-English-Full-Base-2025.01.15",
    description: "Microsoft Windows Server 2022 Full Locale English AMI provided by Amazon",
    ownerId: WINDOWS, ownerAlias: "amazon", architecture: "x86_64", platform: "windows", rootDeviceName: "/dev/sda1",
    creationDate: "2025-01-15T08:13:50.000Z", volumeSize: 30,
  },
];

function hex(seed: string, digits: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, digits);
}

const cache = new Map<string, CatalogueImage[]>();

/** The catalogue of one region (built on first use). */
export function catalogue(region: string): CatalogueImage[] {
  let list = cache.get(region);
  if (!list) {
    list = TEMPLATES.map((t) => {
      const deprecation = new Date(Date.parse(t.creationDate) + 2 * 365 * 86400_000).toISOString();
      return {
        id: "ami-0" + hex(`${region}/${t.name}`, 16),
        region,
        name: t.name,
        description: t.description,
        ownerId: t.ownerId,
        ownerAlias: t.ownerAlias,
        architecture: t.architecture,
        platform: t.platform,
        platformDetails: t.platform === "windows" ? "Windows" : "Linux/UNIX",
        usageOperation: t.platform === "windows" ? "RunInstances:0002" : "RunInstances",
        rootDeviceName: t.rootDeviceName,
        creationDate: t.creationDate,
        deprecationTime: deprecation,
        bootMode: t.bootMode,
        imdsSupport: t.imdsSupport,
        volumeSize: t.volumeSize,
        snapshotId: "snap-0" + hex(`${region}/${t.name}/snap`, 16),
      };
    });
    cache.set(region, list);
  }
  return list;
}

export function findImage(region: string, id: string): CatalogueImage | undefined {
  return catalogue(region).find((i) => i.id === id);
}

const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;

export function isWellFormedImageId(id: string): boolean {
  return AMI_ID.test(id);
}

/** What RunInstances needs to know of an image: the catalogue's facts, or a generic Linux image. */
export function imageForLaunch(region: string, id: string | undefined): { architecture: "x86_64" | "arm64"; platform?: "windows"; platformDetails: string; usageOperation: string; rootDeviceName: string } {
  if (id === undefined) throw missingParameter("ImageId");
  if (!isWellFormedImageId(id)) throw imageMalformed(id);
  const img = findImage(region, id);
  if (img) return img;
  return { architecture: "x86_64", platformDetails: "Linux/UNIX", usageOperation: "RunInstances", rootDeviceName: "/dev/xvda" };
}

/** Images named by `Owners` (account ids, `amazon`, `aws-marketplace`, `self`). */
export function matchesOwners(img: CatalogueImage, owners: string[] | undefined, account: string): boolean {
  if (!owners || owners.length === 0) return true;
  return owners.some((o) => (o === "self" ? img.ownerId === account : o === img.ownerId || (img.ownerAlias !== undefined && o === img.ownerAlias)));
}
