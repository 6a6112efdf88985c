/**
 * The registry of vendor profiles, by the name used in configuration (`profile: avaya`).
 * See vendor-profile.ts for what a profile decides.
 */
import { avayaProfile, type AvayaProfileOptions } from './profiles/avaya.js';
import { standardProfile, type StandardProfileOptions } from './profiles/standard.js';
import type { VendorProfile } from './vendor-profile.js';

export { avayaProfile, AVAYA_NAMESPACE, type AvayaProfileOptions } from './profiles/avaya.js';
export {
    standardProfile,
    type LoginElementOptions,
    type StandardProfileOptions
} from './profiles/standard.js';
export type { Credentials, LoginContext, VendorProfile } from './vendor-profile.js';

export interface VendorProfileOptions {
    standard: StandardProfileOptions;
    avaya: AvayaProfileOptions;
}
export type VendorProfileName = keyof VendorProfileOptions;

export const vendorProfiles: {
    [N in VendorProfileName]: (options?: VendorProfileOptions[N]) => VendorProfile;
} = {
    standard: standardProfile,
    avaya: avayaProfile
};

export const VENDOR_PROFILE_NAMES = Object.keys(vendorProfiles) as VendorProfileName[];

export function createVendorProfile<N extends VendorProfileName>(
    name: N,
    options?: VendorProfileOptions[N]
): VendorProfile {
    const factory: (options?: VendorProfileOptions[N]) => VendorProfile = vendorProfiles[name];
    return factory(options);
}
