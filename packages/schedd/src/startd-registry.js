import { buildSlotAd } from '@tinycondor/shared/machine-ad';
/** The startds connected to this schedd and the state of their slots. */
export class StartdRegistry {
    startds = new Map();
    add(connection) {
        const previous = this.startds.get(connection.identity.startdName);
        this.startds.set(connection.identity.startdName, connection);
        return previous;
    }
    /** Removes the startd only if `connection` is still the registered one (a reconnect may have replaced it). */
    remove(connection) {
        if (this.startds.get(connection.identity.startdName) !== connection)
            return false;
        this.startds.delete(connection.identity.startdName);
        return true;
    }
    get(name) {
        return this.startds.get(name);
    }
    *freeSlots() {
        for (const startd of this.startds.values())
            for (const slot of startd.slots.values())
                if (!slot.run)
                    yield slot;
    }
    hasFreeSlot() {
        return !this.freeSlots().next().done;
    }
    slotAd(slot, now) {
        const startd = this.startds.get(slot.startdName);
        if (!startd)
            throw new Error(`startd ${slot.startdName} is not connected`);
        const ad = buildSlotAd(startd.identity, slot.description, { claimed: slot.run !== undefined, now });
        if (slot.run)
            ad.set('JobId', `${slot.run.cluster}.${slot.run.proc}`);
        return ad;
    }
    allSlotAds(now) {
        const ads = [];
        for (const startd of this.startds.values())
            for (const slot of startd.slots.values())
                ads.push(this.slotAd(slot, now));
        return ads;
    }
    closeAll(reason) {
        for (const startd of this.startds.values())
            startd.close(reason);
        this.startds.clear();
    }
}
//# sourceMappingURL=startd-registry.js.map