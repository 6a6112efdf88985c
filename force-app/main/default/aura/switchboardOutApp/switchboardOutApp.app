<aura:application access="GLOBAL" extends="ltng:outApp" description="Lightning Out dependency app of the Switchboard softphone">
    <aura:dependency resource="c:softphone" />
</aura:application>
